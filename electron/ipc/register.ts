import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { isAppUrl } from '../main/app-origin';
import { describeUrlForLog } from '../main/request-policy';
import { CHANNELS, type ChannelName } from './channels';
import { wipeBytesIn, type IpcHandlers } from './handlers';
import { errorResult, type IpcResult } from './result';

/** The parts of an invoke event the sender check reads (so tests can pass a plain object). */
export interface SenderFacts {
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

export type SenderDecision = { readonly trusted: true } | { readonly trusted: false; readonly reason: string };

/**
 * Only our own top-level page may call main: the frame must exist (a navigated-away or destroyed frame has none),
 * be the main frame, and be on app://keyshard/.
 */
export function checkSender(event: SenderFacts): SenderDecision {
  const frame = event.senderFrame;
  if (frame === null || frame === undefined) return { trusted: false, reason: 'sender frame is gone' };
  if (frame.parent !== null && frame.parent !== undefined) return { trusted: false, reason: 'sender is a subframe' };
  if (!isAppUrl(frame.url)) return { trusted: false, reason: `sender is ${describeUrlForLog(frame.url)}, not the keyshard app` };
  return { trusted: true };
}

export const SENDER_REFUSED_MESSAGE = 'This request did not come from the keyshard window and was refused.';

/** The function `ipcMain.handle` receives for one channel: sender check first, then the validated handler. */
export function guardHandler<K extends ChannelName>(
  channel: K,
  handler: IpcHandlers[K],
  log: (message: string) => void,
): (event: SenderFacts, request: unknown) => Promise<IpcResult<unknown>> {
  return async (event, request) => {
    const decision = checkSender(event);
    if (!decision.trusted) {
      log(`refused ${channel}: ${decision.reason}`);
      return errorResult('IPC_SENDER_REFUSED', SENDER_REFUSED_MESSAGE);
    }
    return handler(request);
  };
}

/** Registers every contract channel on ipcMain. Returns a function that removes them again. */
export function registerIpcHandlers(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  handlers: IpcHandlers,
  log: (message: string) => void,
): () => void {
  for (const channel of CHANNELS) {
    const guarded = guardHandler(channel, handlers[channel], log);
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, request: unknown) => {
      const answer = await guarded(event, request);
      // Electron copies the answer into its IPC message as soon as this promise settles (in the same microtask run);
      // a shard's bytes in it are wiped after that, so main keeps no copy of what it showed (issue 16.3).
      setImmediate(() => wipeBytesIn(answer));
      return answer;
    });
  }
  return () => {
    for (const channel of CHANNELS) ipcMain.removeHandler(channel);
  };
}
