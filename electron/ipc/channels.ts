/**
 * The names of every IPC channel, `domain:action`. This file has no imports: the sandboxed preload bundles it to know
 * which channels it may forward, without pulling zod or any schema into the renderer process.
 * contract.ts must describe exactly these channels (the type checker and test/ipc enforce both directions).
 *
 * Adding a channel: a name here, its schemas in contract.ts, its service call in handlers.ts.
 */
export const CHANNELS = ['app:info', 'airgap:check', 'camera:allow', 'camera:release'] as const;

export type ChannelName = (typeof CHANNELS)[number];

const channelSet: ReadonlySet<string> = new Set(CHANNELS);

export function isChannelName(value: unknown): value is ChannelName {
  return typeof value === 'string' && channelSet.has(value);
}
