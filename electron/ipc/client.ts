import type { ChannelName } from './channels';
import type { RequestOf, ResponseOf } from './contract';
import type { IpcError, IpcResult } from './result';

/**
 * The renderer's typed view of `window.keyshard` (exposed by the preload). Types plus one thin function: importing
 * this file pulls no zod and no schema into the renderer bundle.
 */
export interface KeyshardBridge {
  invoke(channel: string, request?: unknown): Promise<unknown>;
}

declare global {
  // eslint-disable-next-line no-var
  var keyshard: KeyshardBridge | undefined;
}

/** Channels whose request is `undefined` can be called with the channel name alone. */
type RequestArgs<K extends ChannelName> = undefined extends RequestOf<K> ? [request?: RequestOf<K>] : [request: RequestOf<K>];

function bridge(): KeyshardBridge {
  const found = globalThis.keyshard;
  if (found === undefined) throw new Error('window.keyshard is missing: the page is not running inside the keyshard window (or its preload failed).');
  return found;
}

export function invoke<K extends ChannelName>(channel: K, ...args: RequestArgs<K>): Promise<IpcResult<ResponseOf<K>>> {
  return bridge().invoke(channel, args[0]) as Promise<IpcResult<ResponseOf<K>>>;
}

/** An IPC failure as an exception, for code that prefers try/catch. `code` is the stable KeyshardError code. */
export class IpcCallError extends Error {
  readonly code: IpcError['code'];
  readonly details: IpcError['details'];
  constructor(error: IpcError) {
    super(error.message);
    this.name = 'IpcCallError';
    this.code = error.code;
    this.details = error.details;
  }
}

export async function call<K extends ChannelName>(channel: K, ...args: RequestArgs<K>): Promise<ResponseOf<K>> {
  const result = await invoke(channel, ...args);
  if (!result.ok) throw new IpcCallError(result.error);
  return result.value;
}
