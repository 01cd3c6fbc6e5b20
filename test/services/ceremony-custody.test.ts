/**
 * A whole ceremony through the service records each shard's fingerprint at handoff, and every custodian's shard then
 * passes a custody check against the sealed transcript alone (verified with its final hash); one custodian's shard
 * under another's index does not (issue 17.1).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkCustody, shardFingerprint } from '../../core/custody/index';
import { decodeEnvelope, encodeEnvelope, envelopeFromText } from '../../core/envelope';
import { isKeyshardError } from '../../core/errors';
import { verifyTranscriptText, type VerifyOk } from '../../core/transcript';
import { openProtected } from '../../electron/services/protection/index';
import { cleanTemps, custodianKeys, openingKeyFor, rig, shownShards, runCeremony, slip39Plan, vssPlan, type Keys } from './ceremony-harness';

let keys: Keys;
before(async () => {
  keys = await custodianKeys();
});
after(cleanTemps);

describe('ceremony service: custody records', () => {
  for (const kind of ['slip39', 'vss'] as const) {
    it(`${kind}: each handoff records its shards' fingerprints, and each shard passes a custody check alone`, async () => {
      const r = rig();
      const plan = kind === 'slip39' ? slip39Plan(keys) : vssPlan(keys);
      // The shards as handed over (the service drops the displayed copy once the custodian confirms).
      const handedOver = new Map<string, string[]>();
      const handoff = r.service.handoff.bind(r.service);
      r.service.handoff = async (req) => {
        const view = await handoff(req);
        // A USB custodian's shards are the files on their stick, opened with their key.
        const key = openingKeyFor(plan, req.custodianId, keys);
        const fromFiles = await Promise.all(view.files.map(async (f) => await openProtected(new Uint8Array(readFileSync(f.location)), key!)));
        handedOver.set(req.custodianId, [...shownShards(view).map((sh) => sh.envelopeText), ...fromFiles]);
        return view;
      };
      const run = await runCeremony(r, plan, keys);
      const v = verifyTranscriptText(readFileSync(join(r.dir, 'transcript.json'), 'utf8'));
      assert.ok(v.ok);
      const t = v as VerifyOk;
      for (const c of plan.custodians) {
        const handoff = t.entries.find((e) => e.kind === 'handoff' && (e.data as Record<string, unknown>)['custodianId'] === c.id)!;
        const recorded = (handoff.data as Record<string, unknown>)['shardFingerprints'] as string[];
        const shards = handedOver.get(c.id)!.map((text) => envelopeFromText(text));
        assert.deepEqual(recorded, shards.map((e) => shardFingerprint(e)));
        for (const env of shards) {
          const check = checkCustody(t, env, { finalHash: run.headHash });
          assert.equal(check.result, 'verified');
          assert.equal(check.custodianId, c.id);
        }
      }
      // The first custodian's shard under the second custodian's index is caught.
      const first = envelopeFromText(handedOver.get(plan.custodians[0]!.id)![0]!);
      const moved = decodeEnvelope(encodeEnvelope({ ...first, custodianIndex: 1 }));
      assert.throws(() => checkCustody(t, moved), (e: unknown) => isKeyshardError(e) && e.code === 'CUSTODY_MISMATCH');
    });
  }
});
