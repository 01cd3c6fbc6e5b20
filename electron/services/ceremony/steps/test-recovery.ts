/**
 * Step: test recovery. A quorum's shards recover the secret and its fingerprint is compared with the recorded one.
 * The shards come from the custodians (typed, scanned, read from their tokens: a test of what they hold) or, when
 * none are given, from keyshard's own copies (a check of the split only); the record says which. Every copy made
 * here is zeroized before returning. A run after a failed one repeats the step: the failed run is recorded, and the
 * next one waits for a step-repeated exception (why it failed, typed at the time, and a witness's signature), so the
 * script shows why the quorum tested twice.
 */
import { decodeEnvelope, wipeEnvelope } from '../../../../core/envelope';
import type { RecoveryShardSource } from '../../../../core/ceremony';
import { KeyshardError } from '../../../../core/errors';
import { analyzeCoalitions, reachesQuorum } from '../../../../core/policy';
import { identityOf } from '../secret-kinds';
import { recoverFromShards } from '../shards';
import type { ExtraEntry } from '../tokens';
import type { RecoveryRequest, RecoveryResponse } from '../types';
import type { StepKit } from './kit';
import { custodianOf, expectStep, fingerprintView, nameOf, type Session } from './session';
import { expectNoDeviation, noteDeviation } from './exception';
import { expectReceipts } from './receipt';
import { bytesFromResponse } from './shard-input';
import { loadFromToken, type TokenKit } from './token-shards';

export type TestRecoveryKit = TokenKit & Pick<StepKit, 'kdf' | 'slip39' | 'record' | 'status'>;

function belowThreshold(c: Session, ids: readonly string[]): KeyshardError {
  return new KeyshardError('BELOW_THRESHOLD', `${ids.map((id) => nameOf(c, id)).join(', ')} do not hold enough shards to recover the secret. Test with a quorum.`, { custodianIds: ids });
}

function listedTwice(): KeyshardError {
  return new KeyshardError('INVALID_ARGUMENT', 'A custodian is listed twice; each custodian gives their shards once.');
}

export async function testRecovery(kit: TestRecoveryKit, c: Session, request: RecoveryRequest): Promise<RecoveryResponse> {
  expectStep(c, 'test-recovery');
  expectNoDeviation(c);
  expectReceipts(c, 'The test recovery');
  const binaries: Uint8Array[] = [];
  const owned: Uint8Array[] = [];
  const before: ExtraEntry[] = [];
  let ids: string[];
  let shardsFrom: RecoveryShardSource = 'keyshard-copies';
  try {
    const responses = request.responses ?? [];
    const fromTokens = request.tokens ?? [];
    if (responses.length > 0 || fromTokens.length > 0) {
      ids = [...responses.map((r) => r.custodianId), ...fromTokens.map((t) => t.custodianId)];
      shardsFrom = 'custodians';
      if (new Set(ids).size !== ids.length) throw listedTwice();
      // Before any PIN is asked: tokens are read only for a quorum.
      if (fromTokens.length > 0 && !reachesQuorum(c.plan, ids)) throw belowThreshold(c, ids);
      for (const r of responses) {
        const custodian = custodianOf(c, r.custodianId);
        r.shards.forEach((s) => {
          const b = bytesFromResponse(c, custodian, s);
          owned.push(b);
          const env = decodeEnvelope(b);
          const index = env.custodianIndex;
          wipeEnvelope(env);
          if (index !== c.plan.custodians.indexOf(custodian)) {
            throw new KeyshardError('SHARES_MISMATCH', `The shard given for ${custodian.name} is another custodian's shard (custodian #${index + 1}). Give each custodian's own shard.`, {
              custodianId: custodian.id,
            });
          }
          binaries.push(b);
        });
      }
      for (const t of fromTokens) {
        const custodian = custodianOf(c, t.custodianId);
        if (custodian.medium !== 'pkcs11') {
          throw new KeyshardError('INVALID_ARGUMENT', `${custodian.name} holds their shard on ${custodian.medium}, not on a token; give it back as words, text or QR instead.`, { custodianId: custodian.id });
        }
        const loaded = await loadFromToken(kit, c, custodian, t.pin);
        owned.push(loaded.binary);
        binaries.push(loaded.binary);
        before.push(loaded.entry);
      }
    } else {
      ids = [...(request.custodianIds ?? analyzeCoalitions(c.plan, { limit: 1 }).coalitions[0]?.custodianIds ?? [])];
      for (const id of ids) for (const h of c.shards.get(custodianOf(c, id).id) ?? []) binaries.push(kit.secrets.read(h.handle));
    }
    if (new Set(ids).size !== ids.length) throw listedTwice();
    if (!reachesQuorum(c.plan, ids)) throw belowThreshold(c, ids);
    const secret = await recoverFromShards(c.plan, c.ceremonyIdHex, binaries, {
      kdf: kit.kdf,
      ...(kit.slip39?.iterationExponent === undefined ? {} : { iterationExponent: kit.slip39.iterationExponent }),
      ...(c.split?.commitments === undefined ? {} : { commitments: c.split.commitments }),
    });
    let recovered: string;
    try {
      recovered = identityOf(c.plan, secret, c.identity?.wallet).fingerprint.hex;
    } finally {
      secret.fill(0);
    }
    const expected = c.state.fingerprint ?? '';
    const fingerprintMatch = recovered === expected;
    await kit.record(c, { step: 'test-recovery', custodianIds: ids, fingerprintMatch, shardsFrom }, { before });
    if (!fingerprintMatch) noteDeviation(c, 'test-recovery', null, 'step-repeated', 'The test recovery did not give the recorded fingerprint, so running it again repeats the step.');
    return { custodianIds: ids, fingerprintMatch, shardsFrom, recovered: fingerprintView(recovered), expected: fingerprintView(expected), status: kit.status(c) };
  } finally {
    owned.forEach((b) => b.fill(0));
    // What the window sent (bytes) is wiped too: main keeps no copy of a shard it was given.
    for (const r of request.responses ?? []) for (const s of r.shards) ('words' in s ? s.words : 'text' in s ? s.text : s.envelope).fill(0);
  }
}
