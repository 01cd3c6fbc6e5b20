/**
 * Step: split. The master secret is split with randomness drawn from the seed gathered at the entropy step (mixed with
 * the OS CSPRNG, see split-random.ts); each shard goes into the secret store as its own buffer. The split seed is
 * destroyed once the split is recorded; if recording fails, the new shard buffers are destroyed instead.
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import { KeyshardError } from '../../../../core/errors';
import type { SecretHandle } from '../../secrets/index';
import { splitIntoShards } from '../shards';
import { splitRandomSource } from '../split-random';
import type { SplitResponse } from '../types';
import type { StepKit } from './kit';
import { expectStep, fingerprintView, type HeldShard, type Session } from './session';

export type SplitKit = Pick<StepKit, 'secrets' | 'random' | 'kdf' | 'slip39' | 'record' | 'status'>;

export async function split(kit: SplitKit, c: Session): Promise<SplitResponse> {
  expectStep(c, 'split');
  if (c.master === null || c.splitSeed === null || c.identity === null) throw new KeyshardError('INTERNAL', 'The secret to split is missing. Abort and start again.');
  const { secrets } = kit;
  const rng = splitRandomSource(secrets.read(c.splitSeed), kit.random);
  let outcome;
  try {
    outcome = await splitIntoShards(c.plan, secrets.read(c.master), {
      ceremonyId: hexToBytes(c.ceremonyIdHex),
      groupFingerprint: hexToBytes(c.identity.fingerprint.hex),
      random: rng.random,
      kdf: kit.kdf,
      ...(kit.slip39?.iterationExponent === undefined ? {} : { iterationExponent: kit.slip39.iterationExponent }),
      ...(kit.slip39?.extendable === undefined ? {} : { extendable: kit.slip39.extendable }),
    });
  } finally {
    rng.wipe();
  }
  const held = new Map<string, HeldShard[]>();
  const handles: SecretHandle[] = [];
  for (const s of outcome.shards) {
    const handle = secrets.put(`shard-${s.custodianIndex}-${s.index}`, s.binary);
    handles.push(handle);
    held.set(s.custodianId, [...(held.get(s.custodianId) ?? []), { index: s.index, ref: s.ref, handle }]);
  }
  try {
    await kit.record(c, {
      step: 'split',
      fingerprint: c.identity.fingerprint.hex,
      ...(outcome.identifier === undefined ? {} : { identifier: outcome.identifier }),
      ...(outcome.commitments === undefined ? {} : { commitments: outcome.commitments }),
    });
  } catch (e) {
    handles.forEach((h) => secrets.destroy(h));
    throw e;
  }
  secrets.destroy(c.splitSeed);
  c.splitSeed = null;
  c.shards = held;
  c.split = { ...(outcome.identifier === undefined ? {} : { identifier: outcome.identifier }), ...(outcome.commitments === undefined ? {} : { commitments: outcome.commitments }) };
  return {
    fingerprint: fingerprintView(c.identity.fingerprint.hex),
    shardCount: outcome.shards.length,
    ...c.split,
    custodians: c.plan.custodians.map((x) => ({ custodianId: x.id, shards: held.get(x.id)?.length ?? 0 })),
    status: kit.status(c),
  };
}
