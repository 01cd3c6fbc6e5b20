/**
 * Fuzzing the FROST signing messages as the signing screens receive them (issue 17.5): UR texts scanned or typed,
 * framed around random bytes, around genuine commitment / request / signature-share messages damaged byte by byte,
 * and around forged messages with a valid header and hostile counts and lengths; fed to the coordinator's
 * add-commitment / add-share and a signer's read-request exactly as main runs them. Only typed errors come out (never
 * INTERNAL or an untyped throw), every call's CPU time is bounded, a damaged message is never accepted as another
 * signer's, and a message never has its bytes echoed in an error.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bytesToHex } from '@noble/hashes/utils.js';
import { decodeEnvelope, envelopeToText } from '../../core/envelope';
import { planQrFrames, planTexts } from '../../core/qr/index';
import { serializeTranscript } from '../../core/transcript';
import { createSignerSession, createSigningCoordinator } from '../../electron/services/signing/index';
import { bytesFromQrTexts } from '../../electron/services/signing/qr';
import { custodyCeremony } from '../helpers/custody-fixture';
import { CallClock, fuzzRuns, mutatedBytes, params } from './fuzz-kit';

const RUNS = fuzzRuns(300);
const random = (n: number) => new Uint8Array(randomBytes(n));
const kc = custodyCeremony('secp256k1', 91);
const transcriptText = serializeTranscript(kc.file);
const message = new TextEncoder().encode('keyshard');

/** Genuine messages of one round, as bytes: two commitments, the request, a signature share. */
function genuineRound() {
  const coordinator = createSigningCoordinator({ clock: () => new Date() });
  coordinator.start({ transcriptText, message, label: 'fuzz' });
  const signers = [0, 1].map((i) => {
    const s = createSignerSession({ random });
    s.loadShard({ text: envelopeToText(decodeEnvelope(kc.shards[i]!)) });
    return s;
  });
  const commitments = signers.map((s) => s.commit().commitmentQr!);
  for (const c of commitments) coordinator.addCommitment(c);
  const request = coordinator.makeRequest().requestQr!;
  signers[0]!.readRequest([...request]);
  const share = signers[0]!.sign().shareQr!;
  const bytes = (texts: readonly string[]) => bytesFromQrTexts(texts);
  return { coordinator, signers, commitments: commitments.map(bytes), request: bytes(request), share: bytes(share) };
}

const ur = (bytes: Uint8Array): string[] => planTexts(planQrFrames(bytes.length === 0 ? new Uint8Array([0]) : bytes));

/** A message with a valid header (KSFR, version 1, any type and suite byte) and any tail. */
const forged = fc
  .tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 3 }), fc.uint8Array({ maxLength: 8000 }))
  .map(([type, suite, tail]) => Uint8Array.from([0x4b, 0x53, 0x46, 0x52, 1, type, suite, ...tail]));

describe('fuzz: FROST signing messages by QR', () => {
  it('random, damaged and forged messages give only typed errors, bounded in time, and never pass as genuine', async () => {
    const round = genuineRound();
    const genuine = [...round.commitments, round.request, round.share];
    const clock = new CallClock('frost-messages');
    const fresh = createSigningCoordinator({ clock: () => new Date() });
    fresh.start({ transcriptText, message, label: 'fuzz' });
    const reader = createSignerSession({ random });
    reader.loadShard({ text: envelopeToText(decodeEnvelope(kc.shards[2]!)) });
    reader.commit();
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 9000 }), forged, ...genuine.map((g) => mutatedBytes(g)));
    fc.assert(
      fc.property(bytes, (b) => {
        const texts = clock.run(() => ur(b));
        if (!texts.ok) return;
        const steps: (() => unknown)[] = [() => fresh.addCommitment(texts.value), () => round.coordinator.addShare(texts.value), () => reader.readRequest(texts.value)];
        for (const step of steps) {
          const out = clock.run(step);
          if (!out.ok && b.length >= 23) assert.ok(!out.error.message.toLowerCase().includes(bytesToHex(b.slice(7, 23))), 'an error quotes the message');
        }
      }),
      params(RUNS),
    );
    // Nothing damaged passed as a signature share of the round (its one genuine share may be taken once).
    assert.ok(round.coordinator.status()!.answered.length <= 1);
    clock.report();
  });

  it('typed UR text noise around a genuine request: only typed errors', () => {
    const round = genuineRound();
    const text = ur(round.request)[0]!;
    const clock = new CallClock('frost-ur-text');
    const reader = createSignerSession({ random });
    reader.loadShard({ text: envelopeToText(decodeEnvelope(kc.shards[1]!)) });
    reader.commit();
    fc.assert(
      fc.property(fc.string({ maxLength: 3000 }), fc.string({ maxLength: 40 }), (noise, prefix) => {
        clock.run(() => reader.readRequest([`${prefix}${noise}`]));
        clock.run(() => round.coordinator.addShare([`UR:BYTES/${noise}`]));
        clock.run(() => reader.readRequest([text.slice(0, noise.length % text.length)]));
      }),
      params(RUNS),
    );
    clock.report();
  });
});
