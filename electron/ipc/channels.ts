/**
 * The names of every IPC channel, `domain:action`. This file has no imports: the sandboxed preload bundles it to know
 * which channels it may forward, without pulling zod or any schema into the renderer process.
 * contract.ts must describe exactly these channels (the type checker and test/ipc enforce both directions).
 *
 * Adding a channel: a name here, its schemas in contract.ts, its service call in handlers.ts.
 */
export const CHANNELS = [
  'app:info',
  'airgap:check',
  'camera:allow',
  'camera:release',
  'usb:list-drives',
  'hsm:list-tokens',
  'hsm:suggested-modules',
  'hsm:select-module',
  'transcript:verify',
  'plan:analyze',
  'ceremony:list-saved',
  'ceremony:choose-folder',
  'ceremony:check-devices',
  'ceremony:start',
  'ceremony:status',
  'ceremony:transcript',
  'ceremony:check-airgap',
  'ceremony:gather-entropy',
  'ceremony:generate',
  'ceremony:import-secret',
  'ceremony:split',
  'ceremony:handoff',
  'ceremony:current-handoff',
  'ceremony:confirm',
  'ceremony:receipt',
  'ceremony:test-recovery',
  'ceremony:destroy',
  'ceremony:seal',
  'ceremony:sign-off',
  'ceremony:load-witness-key',
  'ceremony:load-witness-token',
  'ceremony:witness-keys',
  'ceremony:abort',
  'ceremony:record-exception',
  'ceremony:resume',
  'recovery:start',
  'recovery:add-shard',
  'recovery:drive-shards',
  'recovery:status',
  'recovery:finish',
  'recovery:cancel-finish',
  'recovery:export',
  'recovery:clear',
  'signing:start',
  'signing:status',
  'signing:add-commitment',
  'signing:make-request',
  'signing:add-share',
  'signing:aggregate',
  'signing:seal',
  'signing:sign-off',
  'signing:abort',
  'signing:transcript',
  'signer:load-shard',
  'signer:commit',
  'signer:read-request',
  'signer:sign',
  'signer:clear',
  'signer:status',
  'custody:check',
] as const;

export type ChannelName = (typeof CHANNELS)[number];

const channelSet: ReadonlySet<string> = new Set(CHANNELS);

export function isChannelName(value: unknown): value is ChannelName {
  return typeof value === 'string' && channelSet.has(value);
}
