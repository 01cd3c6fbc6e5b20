/**
 * Imported first by the entry (main.tsx), before anything that reaches @ngraveio/bc-ur: bc-ur calls the Node `Buffer`
 * global, which a browser lacks. It must not sit in a lazily loaded chunk (NOTES.md: bc-ur in Vite).
 */
import { Buffer } from 'buffer';

const g = globalThis as { Buffer?: unknown };
g.Buffer ??= Buffer;
