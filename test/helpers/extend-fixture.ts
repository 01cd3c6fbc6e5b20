// A whole SLIP-39 extension of a custody-fixture key ceremony, made with core's steps (unwitnessed): its sealed
// transcript (verified and as a file) and the new members' words. For tests of what reads extensions.
import assert from 'node:assert/strict';
import type { KindRun } from '../../core/ceremony-kinds/run';
import { decodeEnvelope } from '../../core/envelope';
import { decodeSlip39Payload } from '../../core/envelope-payload';
import type { ExtensionRecord } from '../../core/extend/records';
import { recordAirGap, recordDestroy, recordExtendConfirm, recordExtendHandoff, recordExtendMake, recordExtendQuorumShare, recordExtendSeal, startExtend } from '../../core/extend/steps';
import { citeSlip39Source, withEarlierExtensions } from '../../core/extend/transcript';
import { serializeTranscript, verifyTranscript, type VerifyOk } from '../../core/transcript';
import type { CustodyCeremony } from './custody-fixture';
import { tickingClock } from './lifecycle-fixture';

/** The key ceremony's custodians' words, in plan order. */
export function wordsOf(kc: CustodyCeremony): string[] {
  return kc.shards.map((b) => decodeSlip39Payload(decodeEnvelope(b).payload));
}

export function extendFixture(kc: CustodyCeremony, id: string, custodians: readonly { id: string; member: number }[], quorum: readonly string[], earlier: readonly ExtensionRecord[] = []) {
  const source = withEarlierExtensions(citeSlip39Source(kc.transcript), earlier);
  let run: KindRun = startExtend({ ceremonyId: id, clock: tickingClock(), label: id, source, group: 0, custodians: custodians.map((c) => ({ ...c, name: c.id })), witnessIds: [] });
  run = recordAirGap(run, { passed: true, interfacesUp: [] });
  for (const m of quorum) run = recordExtendQuorumShare(run, kc.transcript, m, earlier).run;
  const made = recordExtendMake(run, quorum);
  run = made.run;
  for (const s of made.shares) {
    run = recordExtendHandoff(run, s.custodianId, 'screen', s.mnemonic);
    run = recordExtendConfirm(run, s.custodianId, s.mnemonic, s.mnemonic, 'type-back');
  }
  run = recordExtendSeal(recordDestroy(run, ['quorum shares', 'new shares']));
  const v = verifyTranscript(run.transcript);
  assert.ok(v.ok);
  return { transcript: v as VerifyOk, text: serializeTranscript(run.transcript), finalHash: v.headHash, words: made.shares.map((s) => s.mnemonic) };
}
