/**
 * Shards cross between main and this window as bytes (issue 16.3: main makes no string of a shard). Main's handoff
 * answer carries each shard's envelope bytes; the screens want words, text and QR frames, which are made here with
 * core (core/shard-display.ts). What a custodian gives back (typed words or text, scanned QR texts) goes to main as
 * bytes. The screens keep speaking in texts: `ask` (api.ts) converts at the boundary.
 */
import type { RequestOf, ResponseOf } from '../../electron/ipc/contract';
import { givenBackBytes, shardDisplay, type GivenBackText, type ShardDisplay } from '../../core/shard-display';

type WireHandoff = ResponseOf<'ceremony:handoff'>;
type WireShard = WireHandoff['shards'][number];

/** One shard as the screens show it: its place in the plan and every text form of it. SECRET. */
export type ShownShard = Omit<WireShard, 'envelope' | 'qrOptions'> & ShardDisplay;
export type ShownHandoff = Omit<WireHandoff, 'shards'> & { readonly shards: readonly ShownShard[] };

/** What a custodian gives back, as the screens hold it (texts). */
export type GivenBack = GivenBackText;
type ConfirmWire = RequestOf<'ceremony:confirm'>;
type TestRecoveryWire = NonNullable<RequestOf<'ceremony:test-recovery'>>;
export type ConfirmAsked = Omit<ConfirmWire, 'responses'> & { readonly responses?: readonly GivenBack[] };
export type TestRecoveryAsked =
  | (Omit<TestRecoveryWire, 'responses'> & { readonly responses?: readonly { readonly custodianId: string; readonly shards: readonly GivenBack[] }[] })
  | undefined;

export function showHandoff(view: WireHandoff): ShownHandoff {
  return {
    ...view,
    shards: view.shards.map(({ envelope, qrOptions, ...place }) => {
      try {
        return { ...place, ...shardDisplay(envelope, qrOptions) };
      } finally {
        envelope.fill(0);
      }
    }),
  };
}

export function confirmToWire(request: ConfirmAsked): ConfirmWire {
  const { responses, ...rest } = request;
  return { ...rest, ...(responses === undefined ? {} : { responses: responses.map((r) => givenBackBytes(r, 'compare')) }) } as ConfirmWire;
}

export function testRecoveryToWire(request: TestRecoveryAsked): RequestOf<'ceremony:test-recovery'> {
  if (request === undefined) return undefined;
  const { responses, ...rest } = request;
  return {
    ...rest,
    ...(responses === undefined ? {} : { responses: responses.map((c) => ({ custodianId: c.custodianId, shards: c.shards.map((s) => givenBackBytes(s, 'read')) })) }),
  } as TestRecoveryWire;
}
