/**
 * The renderer's access to main: the typed client from electron/ipc/client (types plus one call, no zod). Screens that
 * only tell main something it may ignore (camera:allow/release) use `tellMain`, which never throws: in a plain browser
 * (no window.keyshard) or when main refuses, the screen goes on and the browser's own permission rules apply.
 */
import type { ChannelName } from '../electron/ipc/channels';
import { invoke } from '../electron/ipc/client';

export function hasBridge(): boolean {
  return typeof globalThis.keyshard?.invoke === 'function';
}

type NoArgChannel = Extract<ChannelName, 'camera:allow' | 'camera:release' | 'app:info' | 'airgap:check'>;

export async function tellMain(channel: NoArgChannel): Promise<boolean> {
  if (!hasBridge()) return false;
  try {
    const result = await invoke(channel);
    return result.ok;
  } catch {
    return false;
  }
}
