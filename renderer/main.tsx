// Entry of the renderer. The Buffer shim must load before any module that reaches bc-ur (core/qr).
import './polyfills';
import './styles.css';
import './fit.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';

const container = document.getElementById('root');
if (container) createRoot(container).render(<StrictMode><App /></StrictMode>);
