// Placeholder renderer so the Electron shell has a page to load. The real React app replaces this file.
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { invoke } from '../electron/ipc/client';

function Placeholder() {
  const [info, setInfo] = useState('not running inside the keyshard window');
  useEffect(() => {
    if (globalThis.keyshard === undefined) return;
    void invoke('app:info').then((result) => {
      setInfo(result.ok ? `version ${result.value.version} on ${result.value.platform}` : result.error.message);
    });
  }, []);
  return (
    <main>
      <h1>keyshard — key ceremony</h1>
      <p data-testid="app-info">{info}</p>
    </main>
  );
}

const container = document.getElementById('root');
if (container) createRoot(container).render(<StrictMode><Placeholder /></StrictMode>);
