import { isChannelName } from '../ipc/channels';

/**
 * The object the preload exposes as `window.keyshard`: exactly one function, `invoke`, which forwards to main only the
 * channels named in ipc/channels.ts. Kept apart from preload.ts (which touches Electron) so tests can build it with a
 * fake ipcRenderer.
 */
export interface InvokeTransport {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
}

export interface KeyshardBridgeObject {
  readonly invoke: (channel: unknown, request?: unknown) => Promise<unknown>;
}

export function createKeyshardBridge(ipc: InvokeTransport): KeyshardBridgeObject {
  return Object.freeze({
    invoke(channel: unknown, request?: unknown): Promise<unknown> {
      if (!isChannelName(channel)) {
        return Promise.resolve({
          ok: false,
          error: { code: 'INVALID_ARGUMENT', message: 'Unknown keyshard channel. This is a bug in the screen that asked.' },
        });
      }
      // One argument only: nothing else (no event objects, no extra values) reaches main.
      return ipc.invoke(channel, request);
    },
  });
}
