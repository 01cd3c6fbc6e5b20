/**
 * The ceremony service with real SoftHSM2 tokens: every pkcs11 custodian's shard stored on their own token and read
 * back, token random numbers mixed into the entropy, a witness whose ECDSA P-256 key lives on a token signing the
 * checkpoints, test recovery from the tokens, and recovery of the secret from any two of the three tokens afterwards.
 * Faults: wrong PIN, locked token, token full, token pulled during the store and between handoff and confirm, and
 * tokens refused before the ceremony starts (absent, write-protected, no random generator, shared, no ECDSA).
 *
 * Simulated, because SoftHSM2 cannot do it by itself (see test/hsm/softhsm.ts): a pulled token is its directory
 * moved away (and back: plugged in again); a full token and a locked PIN are the binding's own Pkcs11Error thrown by
 * a session interceptor; a token without a random generator has CKF_RNG cleared in its stored flags; a token without
 * ECDSA is a capability report with CKM_ECDSA taken out (SoftHSM offers every mechanism).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { p256 } from '@noble/curves/nist.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import * as graphene from 'graphene-pk11';
import type { CeremonyRecord, SignOffPolicy, WitnessKey } from '../../core/ceremony';
import { decodeEnvelope, encodeEnvelope, wipeEnvelope } from '../../core/envelope';
import { fingerprintOf, seedIdentity } from '../../core/fingerprint';
import type { CeremonyPlan } from '../../core/policy';
import { verifyTranscriptText } from '../../core/transcript';
import {
  recoverFromTokens,
  TOKEN_ENTRY_KINDS,
  type CeremonyHsm,
  type CeremonyService,
  type PinPrompt,
} from '../../electron/services/ceremony/index';
import { CKF_TOKEN, openHsm } from '../../electron/services/hsm/index';
import type { HsmPort, OpenHsmOptions } from '../../electron/services/hsm/index';
import { assertCompleteCeremony } from '../core/ceremony-driver';
import { createKeyStretcher } from '../../electron/services/kdf/index';
import { allZero, cleanTemps, rig, signAs, signPending, WITNESSES, type Rig } from '../services/ceremony-harness';
import { errorText, rejectsCode } from './fixtures';
import { interceptSession, makeSoftHsm, pkcs11Error, SOFTHSM_MODULE, tokenHeldPlan } from './softhsm';
import type { SoftHsm } from './softhsm';

/** A PIN that cannot turn up by chance in hex or JSON, so "the PIN is nowhere" is a meaningful check. */
const PIN = 'Pin-7q!Kx';
const WRONG_PIN = 'Wrong-3z?Vv';
const WITNESS_KEY_LABEL = 'keyshard-witness';
/** SLIP-39 key stretching off the calling thread, as main runs it. */
const kdf = createKeyStretcher();

let env: SoftHsm | undefined;
const services: CeremonyService[] = [];
const ports: HsmPort[] = [];

afterEach(async () => {
  for (const s of services.splice(0)) await s.shutdown();
  for (const p of ports.splice(0)) await p.close();
  env?.cleanup();
  env = undefined;
  cleanTemps();
});

async function openPort(options?: OpenHsmOptions): Promise<HsmPort> {
  const port = await openHsm(SOFTHSM_MODULE, options);
  ports.push(port);
  return port;
}

/** A SLIP-39 2-of-3 plan whose three custodians keep their shards on their own tokens. */
function tokenPlan(options: { witnesses?: CeremonyPlan['witnesses']; labels?: readonly string[] } = {}): CeremonyPlan {
  return tokenHeldPlan({ ...(options.labels === undefined ? {} : { tokenLabels: options.labels }), ...(options.witnesses === undefined ? {} : { witnesses: options.witnesses }) });
}

/** The ceremony's HSM dependency on the real SoftHSM2 module, with a switchable fault injector. */
function softHsmDep(faults: { interceptor?: OpenHsmOptions['sessionInterceptor'] } = {}): CeremonyHsm {
  return {
    modulePath: SOFTHSM_MODULE,
    open: (path) => openHsm(path, faults.interceptor === undefined ? {} : { sessionInterceptor: faults.interceptor }),
  };
}

function tokenRig(hsm: CeremonyHsm, extra: Parameters<typeof rig>[0] = {}): Rig {
  const r = rig({ ...extra, overrides: { hsm, ...extra.overrides } });
  services.push(r.service);
  return r;
}

function entries(dir: string): { seq: number; kind: string; data: Record<string, unknown>; at: string }[] {
  return (JSON.parse(readFileSync(join(dir, 'transcript.json'), 'utf8')) as { entries: { seq: number; kind: string; data: Record<string, unknown>; at: string }[] }).entries;
}

/** The ceremony's own records (what core replays): no signatures, no token entries. */
function ceremonyRecords(dir: string): CeremonyRecord[] {
  const skip: readonly string[] = ['signoff', ...TOKEN_ENTRY_KINDS];
  return entries(dir)
    .filter((e) => !skip.includes(e.kind))
    .map((e) => ({ step: e.kind, at: e.at, data: e.data }) as unknown as CeremonyRecord);
}

/** What is on a token, seen through its own login (not through the ceremony service). */
async function shardsOn(label: string): Promise<{ ceremonyId: string; custodianIndex: number; objectLabel: string }[]> {
  const port = await openPort();
  const session = await port.openSession({ label }, PIN);
  try {
    return (await session.listShards()).map((s) => ({ ceremonyId: s.ceremonyId, custodianIndex: s.custodianIndex, objectLabel: s.objectLabel }));
  } finally {
    await session.close();
    await port.close();
    ports.splice(ports.indexOf(port), 1);
  }
}

/** Makes the witness's signing key on their token (a set-up step before the ceremony) and returns its public key. */
async function witnessTokenKey(label: string): Promise<string> {
  const port = await openPort();
  const session = await port.openSession({ label }, PIN);
  try {
    return (await session.ensureKeyPair(WITNESS_KEY_LABEL, 'sign')).publicKeyHex;
  } finally {
    await session.close();
    await port.close();
    ports.splice(ports.indexOf(port), 1);
  }
}

/** Start to split, no witnesses. */
async function toSplit(r: Rig, plan: CeremonyPlan): Promise<void> {
  const s = r.service;
  await s.start({ plan });
  await s.checkAirGap();
  await s.gatherEntropy();
  await s.generate();
  await s.split();
}

/** A data object whose value reads as the same envelope with another custodian label (still valid, checksum and all). */
function otherShardOnRead(obj: graphene.SessionObject): graphene.SessionObject {
  return new Proxy(obj, {
    get(target, prop, receiver) {
      if (prop === 'getAttribute') {
        return (attrs: unknown) => {
          const value = target.getAttribute(attrs as string) as unknown;
          if (attrs !== 'value' || !Buffer.isBuffer(value)) return value;
          const envelope = decodeEnvelope(new Uint8Array(value));
          const other = encodeEnvelope({ ...envelope, custodianLabel: 'Mallory' });
          wipeEnvelope(envelope);
          return Buffer.from(other);
        };
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

function noPinIn(text: string, ...pins: string[]): void {
  for (const p of pins) assert.ok(!text.includes(p), 'a PIN turned up where it must not');
}

// ---------------------------------------------------------------------------------------------------------------

describe('a whole ceremony with every shard on its own SoftHSM2 token', () => {
  it('stores and reads back each shard on its token, signs with a token witness, seals, and any two tokens recover the secret', async () => {
    env = makeSoftHsm(['alice-token', 'bob-token', 'carol-token', 'witness-token'], { pin: PIN });
    const tessPublicKey = await witnessTokenKey('witness-token');
    const plan = tokenPlan({
      witnesses: [
        { id: 'tess', name: 'Tess (token)', organisation: 'Notary Office', observes: 'all' },
        { id: 'wendy', name: 'Wendy', organisation: 'Audit Ltd', observes: 'all' },
      ],
    });
    const prompts: PinPrompt[] = [];
    const r = tokenRig(softHsmDep(), {
      overrides: {
        // Bob types his PIN into the prompt; the others give it with each request.
        pins: async (prompt) => {
          prompts.push(prompt);
          return PIN;
        },
      },
    });
    const s = r.service;

    // Witnesses: Tess signs with the key on her token, Wendy with a software key. The plan pins both keys.
    const tess = await s.loadWitnessToken({ witnessId: 'tess', token: { label: 'witness-token' }, keyLabel: WITNESS_KEY_LABEL, pin: PIN });
    assert.deepEqual(tess, { id: 'tess', algorithm: 'ecdsa-p256', publicKey: tessPublicKey, unlock: 'pin', tokenLabel: 'witness-token' });
    // Loading the token again replaces the first registration.
    assert.deepEqual(await s.loadWitnessToken({ witnessId: 'tess', token: { label: 'witness-token' }, keyLabel: WITNESS_KEY_LABEL, pin: PIN }), tess);
    const wendy = await s.registerWitnessSigner(WITNESSES.wendy);
    const pinned: WitnessKey[] = [
      { id: 'tess', algorithm: 'ecdsa-p256', publicKey: tessPublicKey },
      { id: wendy.id, algorithm: wendy.algorithm, publicKey: wendy.publicKey },
    ];
    // Tess types her PIN at every sign-off (the token logs in for that one signature).
    const acts = { tess: { pin: PIN } };
    // Tess signs every checkpoint; Wendy too where both are required.
    const signOffs: SignOffPolicy = { 'airgap-check': 'one', generate: 'all', split: 'one', confirm: 'all', 'test-recovery': 'one', destroy: 'one', seal: 'all' };

    const started = await s.start({ plan, witnessKeys: pinned, signOffs, entropyToken: { label: 'carol-token' } });
    assert.equal(started.phase, 'active');
    const serials = new Map((started.tokens ?? []).map((t) => [t.custodianId, t] as const));
    assert.deepEqual([...serials.keys()], ['alice', 'bob', 'carol']);
    for (const [id, t] of serials) assert.equal(t.tokenLabel, `${id}-token`);
    assert.equal(new Set([...serials.values()].map((t) => t.tokenSerial)).size, 3);

    await s.checkAirGap();
    await signPending(s, acts);
    const entropy = await s.gatherEntropy({ diceRolls: '3 1 4 1 5 2 6 5 3 5', useHsm: true, hsmToken: { pin: PIN } });
    assert.deepEqual(entropy.sources, ['os-csprng', 'pkcs11-rng', 'dice-10-rolls']);
    const gen = await s.generate();
    await signPending(s, acts);
    await s.split();
    await signPending(s, acts);

    for (const c of plan.custodians) {
      const pin = c.id === 'bob' ? {} : { pin: PIN };
      const view = await s.handoff({ custodianId: c.id, ...pin });
      assert.deepEqual(view.shards, [], 'a token handoff shows nothing on screen');
      assert.deepEqual(view.files, []);
      assert.equal(view.token?.tokenLabel, `${c.id}-token`);
      assert.equal(view.token?.tokenSerial, serials.get(c.id)?.tokenSerial);
      assert.equal(view.token?.method, 'data-object');
      assert.equal(view.token?.alreadyStored, false);
      assert.equal((await s.status()).awaitingConfirmation, c.id);
      const confirmed = await s.confirm({ custodianId: c.id, method: 'read-back-pkcs11', ...pin });
      assert.equal(confirmed.status.confirmed.at(-1), c.id);
      await signPending(s, acts);
      await s.receipt({ custodianId: c.id });
    }
    // Bob's two prompts (store, read-back) named him and his token.
    assert.deepEqual(
      prompts.map((p) => [p.purpose, p.custodianId, p.tokenLabel, p.tokenSerial]),
      [
        ['store', 'bob', 'bob-token', serials.get('bob')?.tokenSerial],
        ['read-back', 'bob', 'bob-token', serials.get('bob')?.tokenSerial],
      ],
    );

    // Seen from each token itself: exactly one shard, of this ceremony, for its own custodian.
    const ceremonyId = (await s.status()).ceremonyId!;
    for (const [i, c] of plan.custodians.entries()) {
      const onToken = await shardsOn(`${c.id}-token`);
      assert.deepEqual(onToken.map((x) => [x.ceremonyId, x.custodianIndex]), [[ceremonyId, i]]);
    }

    const rec = await s.testRecovery({ tokens: [{ custodianId: 'alice', pin: PIN }, { custodianId: 'carol', pin: PIN }] });
    assert.equal(rec.fingerprintMatch, true);
    assert.equal(rec.recovered.hex, gen.fingerprint.hex);
    await signPending(s, acts);
    await s.destroy({ confirmed: true });
    await signPending(s, acts);
    await s.seal();
    await signPending(s, acts);
    const final = await s.status();
    assert.equal(final.phase, 'sealed');
    for (const b of r.buffers) assert.ok(allZero(b.bytes), `${b.label} is not zeroed`);

    // The transcript verifies, and Tess's token signatures are ecdsa-p256 over every checkpoint.
    const text = readFileSync(join(r.dir, 'transcript.json'), 'utf8');
    const v = verifyTranscriptText(text);
    assert.ok(v.ok, v.ok ? '' : v.reason);
    assert.equal(v.headHash, final.transcript.headHash);
    assert.equal(v.witnessesPinned, true);
    const checkpoints = v.signoffs.filter((x) => Object.keys(signOffs).includes(x.kind));
    assert.equal(checkpoints.length, 1 + 1 + 1 + 3 + 1 + 1 + 1);
    for (const x of checkpoints) {
      const byTess = x.witnesses.filter((w) => w.id === 'tess');
      assert.equal(byTess.length, 1, `entry ${x.seq} (${x.kind}) lacks Tess's signature`);
      assert.equal(byTess[0]!.algorithm, 'ecdsa-p256');
      assert.equal(byTess[0]!.publicKey, tessPublicKey);
      const both = signOffs[x.kind as keyof SignOffPolicy] === 'all';
      assert.deepEqual(x.witnesses.map((w) => w.id).sort(), both ? ['tess', 'wendy'] : ['tess'], `entry ${x.seq} (${x.kind})`);
    }
    // Independently of core: each token signature is raw ECDSA P-256 over the entry hash (high-S allowed).
    const all = entries(r.dir);
    const tessSignoffs = all.filter((e) => e.kind === 'signoff' && (e.data['witness'] as { id: string }).id === 'tess');
    assert.equal(tessSignoffs.length, checkpoints.length);
    for (const e of tessSignoffs) {
      const target = e.data['target'] as { seq: number; hash: string };
      assert.equal(all[target.seq - 1]!.kind !== 'signoff', true);
      assert.ok(
        p256.verify(hexToBytes(e.data['signature'] as string), hexToBytes(target.hash), hexToBytes(tessPublicKey), { prehash: false, lowS: false }),
        `signature on entry ${target.seq}`,
      );
    }

    // The token entries: public facts only, each saved just before the step it belongs to.
    const kinds = all.map((e) => e.kind);
    assert.equal(kinds[0], 'plan');
    assert.equal(kinds[1], 'token-check');
    const check = all[1]!.data as { tokens: { custodianId: string; tokenSerial: string }[]; entropyToken: { tokenLabel: string } };
    assert.deepEqual(check.tokens.map((t) => [t.custodianId, t.tokenSerial]), [...serials.values()].map((t) => [t.custodianId, t.tokenSerial]));
    assert.equal(check.entropyToken.tokenLabel, 'carol-token');
    assert.equal(kinds[kinds.indexOf('token-random') + 1], 'entropy');
    const stores = all.filter((e) => e.kind === 'token-store');
    assert.deepEqual(stores.map((e) => e.data['custodianId']), ['alice', 'bob', 'carol']);
    for (const e of stores) {
      assert.equal(kinds[e.seq], 'handoff', 'token-store is followed by its handoff');
      assert.deepEqual(Object.keys(e.data).sort(), ['alreadyStored', 'bytes', 'custodianId', 'method', 'objectLabel', 'tokenLabel', 'tokenSerial']);
      assert.equal(e.data['objectLabel'], `keyshard-${ceremonyId}-c${['alice', 'bob', 'carol'].indexOf(e.data['custodianId'] as string)}`);
    }
    const readBacks = all.filter((e) => e.kind === 'token-read-back');
    assert.deepEqual(
      readBacks.map((e) => [e.data['custodianId'], e.data['purpose'], kinds[e.seq]]),
      [
        ['alice', 'confirm', 'confirm'],
        ['bob', 'confirm', 'confirm'],
        ['carol', 'confirm', 'confirm'],
        ['alice', 'test-recovery', 'token-read-back'],
        ['carol', 'test-recovery', 'test-recovery'],
      ],
    );
    assertCompleteCeremony(plan, ceremonyRecords(r.dir));
    noPinIn(text + readFileSync(join(r.dir, 'plan.json'), 'utf8') + JSON.stringify(final), PIN);

    // Recovery afterwards, from the files and the tokens alone: any two tokens give the secret with the recorded
    // fingerprint; one token is not enough.
    const planText = readFileSync(join(r.dir, 'plan.json'), 'utf8');
    await s.shutdown(); // logs the witness token out and releases the module, as at the end of the day
    services.splice(0);
    assert.deepEqual(await shardsOn('witness-token'), [], 'the witness token holds no shard');
    const port = await openPort();
    const secrets: Uint8Array[] = [];
    for (const pair of [['alice', 'bob'], ['alice', 'carol'], ['carol', 'bob']]) {
      const got = await recoverFromTokens({
        port,
        plan: planText,
        transcript: text,
        expectedHeadHash: final.transcript.headHash!,
        tokens: pair.map((id) => ({ token: { label: `${id}-token` }, pin: PIN })),
        kdf,
      });
      assert.deepEqual(got.custodianIds, pair);
      assert.deepEqual(got.tokens.map((t) => t.tokenSerial), pair.map((id) => serials.get(id)?.tokenSerial));
      assert.equal(got.ceremonyId, ceremonyId);
      assert.equal(got.sealed, true);
      assert.equal(got.fingerprint.hex, gen.fingerprint.hex);
      assert.equal(fingerprintOf(seedIdentity(got.secret)).hex, gen.fingerprint.hex, 'the fingerprint is computed from the recovered seed itself');
      secrets.push(got.secret);
    }
    assert.deepEqual(secrets[1], secrets[0]);
    assert.deepEqual(secrets[2], secrets[0]);
    assert.equal(secrets[0]!.length, 32);
    for (const x of secrets) x.fill(0);

    const one = await rejectsCode(
      recoverFromTokens({ port, plan: planText, transcript: text, tokens: [{ token: { label: 'bob-token' }, pin: PIN }], kdf }),
      'BELOW_THRESHOLD',
    );
    assert.match(one.message, /Bob/);
    await rejectsCode(
      recoverFromTokens({
        port,
        plan: planText,
        transcript: text,
        tokens: [{ token: { label: 'alice-token' }, pin: PIN }, { token: { label: 'alice-token' }, pin: PIN }],
        kdf,
      }),
      'DUPLICATE_SHARE',
    );
    const wrong = await rejectsCode(
      recoverFromTokens({ port, plan: planText, transcript: text, tokens: [{ token: { label: 'alice-token' }, pin: WRONG_PIN }], kdf }),
      'HSM_PIN_INCORRECT',
    );
    noPinIn(errorText(wrong), WRONG_PIN, PIN);
    // The witness token holds no shard of this ceremony; a tampered transcript is refused before any token is read.
    await rejectsCode(
      recoverFromTokens({ port, plan: planText, transcript: text, tokens: [{ token: { label: 'witness-token' }, pin: PIN }], kdf }),
      'HSM_OBJECT_NOT_FOUND',
    );
    await rejectsCode(
      recoverFromTokens({ port, plan: planText, transcript: text.replace('"Token-held seed"', '"Token-held seeds"'), tokens: [], kdf }),
      'TRANSCRIPT_TAMPERED',
    );
  });
});

describe('token faults during the ceremony leave it where it was', () => {

  it('a token witness types the PIN at every sign-off: none or a wrong one signs nothing; the key is dropped when the ceremony ends', async () => {
    env = makeSoftHsm(['alice-token', 'bob-token', 'carol-token', 'witness-token'], { pin: PIN });
    await witnessTokenKey('witness-token');
    const plan = tokenPlan({ witnesses: [{ id: 'tess', name: 'Tess (token)', organisation: 'Notary Office', observes: 'all' }] });
    const r = tokenRig(softHsmDep());
    const s = r.service;
    await s.loadWitnessToken({ witnessId: 'tess', token: { label: 'witness-token' }, keyLabel: WITNESS_KEY_LABEL, pin: PIN });
    await s.start({ plan });
    await s.checkAirGap();
    const entries = (await s.status()).transcript.entries;
    await rejectsCode(signAs(s, 'tess'), 'WITNESS_ACT_NEEDED');
    const wrong = await rejectsCode(signAs(s, 'tess', { pin: WRONG_PIN }), 'HSM_PIN_INCORRECT');
    noPinIn(errorText(wrong), PIN, WRONG_PIN);
    assert.equal((await s.status()).transcript.entries, entries, 'nothing was signed');
    const signed = await signAs(s, 'tess', { pin: PIN });
    assert.equal(signed.checkpoint, 'airgap-check');
    // Between sign-offs no session is held: the custodian and entropy code can log in to the witness token again.
    const port = await openPort();
    const session = await port.openSession({ label: 'witness-token' }, PIN);
    await session.close();
    await s.abort({ reason: 'test over' });
    // Tess may still sign the abort's exception after the wipe (issue 13.5); her key goes once it is recorded.
    assert.deepEqual((await s.witnessKeys()).map((w) => w.id), ['tess'], 'aborted: the key waits for the exception');
    await rejectsCode(s.recordException({ reason: 'Tess signs the abort.', witnessId: 'tess' }), 'WITNESS_ACT_NEEDED');
    await s.recordException({ reason: 'Tess signs the abort.', witnessId: 'tess', pin: PIN });
    assert.deepEqual(await s.witnessKeys(), [], 'exception recorded: no key is held');
  });
  it('a wrong PIN at handoff stores nothing and records nothing; the right PIN then works; a missing PIN is asked for', async () => {
    env = makeSoftHsm(['alice-token', 'bob-token', 'carol-token'], { pin: PIN });
    const r = tokenRig(softHsmDep());
    const s = r.service;
    await toSplit(r, tokenPlan());
    const before = await s.status();

    const err = await rejectsCode(s.handoff({ custodianId: 'alice', pin: WRONG_PIN }), 'HSM_PIN_INCORRECT');
    assert.match(err.message, /Alice's shard was not stored/);
    assert.match(err.message, /has not moved on/);
    assert.equal(err.details?.['custodianId'], 'alice');
    noPinIn(errorText(err), WRONG_PIN, PIN);
    const missing = await rejectsCode(s.handoff({ custodianId: 'alice' }), 'HSM_PIN_INCORRECT');
    assert.equal(missing.details?.['reason'], 'missing');
    const after = await s.status();
    assert.equal(after.lastStep, 'split');
    assert.deepEqual(after.handedOff, []);
    assert.equal(after.transcript.entries, before.transcript.entries);
    assert.equal(after.transcript.headHash, before.transcript.headHash);
    assert.deepEqual(await shardsOn('alice-token'), []);

    const view = await s.handoff({ custodianId: 'alice', pin: PIN });
    assert.equal(view.token?.alreadyStored, false);
    assert.equal((await shardsOn('alice-token')).length, 1);
    // Storing the shard again repeats the handoff (issue 13.5): refused until the step-repeated exception is recorded
    // (this plan has no witnesses: the reason alone), and nothing is stored or recorded by the refused ask.
    const entriesAfterHandoff = (await s.status()).transcript.entries;
    const refused = await rejectsCode(s.handoff({ custodianId: 'alice', pin: PIN }), 'EXCEPTION_NEEDED');
    assert.match(refused.message, /Storing Alice's shard on their token again repeats the handoff/);
    assert.equal((await s.status()).transcript.entries, entriesAfterHandoff);
    assert.equal((await shardsOn('alice-token')).length, 1);
    await s.recordException({ reason: 'The token was taken out of the room for a moment; stored again.' });
    const entriesAfterException = entriesAfterHandoff + 1;
    assert.equal((await s.status()).transcript.entries, entriesAfterException);
    // Then one store goes ahead (the token already holds this very shard: nothing new on it, no second handoff).
    const again = await s.handoff({ custodianId: 'alice', pin: PIN });
    assert.equal(again.token?.alreadyStored, true);
    assert.equal((await s.status()).transcript.entries, entriesAfterException);
    assert.equal((await shardsOn('alice-token')).length, 1);
    // The exception is used up: a third store asks again.
    await rejectsCode(s.handoff({ custodianId: 'alice', pin: PIN }), 'EXCEPTION_NEEDED');

    // A wrong PIN at confirm: still waiting for Alice's confirmation.
    const bad = await rejectsCode(s.confirm({ custodianId: 'alice', method: 'read-back-pkcs11', pin: WRONG_PIN }), 'HSM_PIN_INCORRECT');
    assert.match(bad.message, /still waits for Alice's confirmation/);
    assert.equal((await s.status()).awaitingConfirmation, 'alice');
    assert.equal((await s.status()).transcript.entries, entriesAfterException);
    await s.confirm({ custodianId: 'alice', method: 'read-back-pkcs11', pin: PIN });
    assert.deepEqual((await s.status()).confirmed, ['alice']);
  });

  it('a token pulled between handoff and confirm: confirm is HSM_TOKEN_ABSENT and the ceremony stays at awaiting confirmation', async () => {
    env = makeSoftHsm(['alice-token', 'bob-token', 'carol-token'], { pin: PIN });
    const r = tokenRig(softHsmDep());
    const s = r.service;
    await toSplit(r, tokenPlan());
    await s.handoff({ custodianId: 'bob', pin: PIN });
    const waiting = await s.status();
    const dir = env.token('bob-token').dir;
    const pulled = join(env.root, 'pulled-bob');
    renameSync(dir, pulled);

    const err = await rejectsCode(s.confirm({ custodianId: 'bob', method: 'read-back-pkcs11', pin: PIN }), 'HSM_TOKEN_ABSENT');
    assert.match(err.message, /Bob's shard could not be read back/);
    assert.match(err.message, /still waits for Bob's confirmation/);
    assert.equal(err.details?.['custodianId'], 'bob');
    const still = await s.status();
    assert.equal(still.lastStep, 'handoff');
    assert.equal(still.awaitingConfirmation, 'bob');
    assert.deepEqual(still.confirmed, []);
    assert.equal(still.transcript.headHash, waiting.transcript.headHash);
    await rejectsCode(s.handoff({ custodianId: 'carol', pin: PIN }), 'CEREMONY_TRANSITION');

    // Plugged back in: the confirmation goes through.
    renameSync(pulled, dir);
    const ok = await s.confirm({ custodianId: 'bob', method: 'read-back-pkcs11', pin: PIN });
    assert.deepEqual(ok.status.confirmed, ['bob']);
  });

  it('a token that gives back another shard than the one handed over: confirm is CONFIRM_MISMATCH, nothing is recorded, and the retry waits for the exception', async () => {
    env = makeSoftHsm(['alice-token', 'bob-token', 'carol-token'], { pin: PIN });
    const faults: { interceptor?: OpenHsmOptions['sessionInterceptor'] } = {};
    const r = tokenRig(softHsmDep(faults));
    const s = r.service;
    await toSplit(r, tokenPlan());
    await s.handoff({ custodianId: 'alice', pin: PIN });
    const waiting = await s.status();
    // Every data object the token shows now holds a valid envelope of this ceremony, but not the one stored.
    faults.interceptor = interceptSession({
      find: (target, template) => {
        const found = target.find(template as graphene.ITemplate);
        return { length: found.length, items: (i: number) => otherShardOnRead(found.items(i)) };
      },
    });
    const err = await rejectsCode(s.confirm({ custodianId: 'alice', method: 'read-back-pkcs11', pin: PIN }), 'CONFIRM_MISMATCH');
    assert.match(err.message, /not the one handed over/);
    const still = await s.status();
    assert.equal(still.awaitingConfirmation, 'alice');
    assert.equal(still.transcript.headHash, waiting.transcript.headHash);
    faults.interceptor = undefined;
    // A failed confirmation is a deviation (issue 13.5): the retry waits until its exception is recorded.
    await rejectsCode(s.confirm({ custodianId: 'alice', method: 'read-back-pkcs11', pin: PIN }), 'EXCEPTION_NEEDED');
    await s.recordException({ reason: "Alice's token read back another shard; read it again." });
    await s.confirm({ custodianId: 'alice', method: 'read-back-pkcs11', pin: PIN });
    assert.deepEqual((await s.status()).confirmed, ['alice']);
  });

  it('a token pulled during the store, a full token and a locked PIN: nothing recorded, nothing left on the token, and the retry works', async () => {
    env = makeSoftHsm(['alice-token', 'bob-token', 'carol-token'], { pin: PIN });
    const current = env;
    const faults: { interceptor?: OpenHsmOptions['sessionInterceptor'] } = {};
    const r = tokenRig(softHsmDep(faults));
    const s = r.service;
    await toSplit(r, tokenPlan());
    const head = async () => (await s.status()).transcript.headHash;
    const start = await head();

    // Full: the token keeps a piece of the object, then answers CKR_DEVICE_MEMORY. The HSM service removes the piece.
    faults.interceptor = interceptSession({
      create: (target, template) => {
        const t = template as graphene.ITemplate;
        if (t.class === graphene.ObjectClass.DATA) target.create({ ...t, value: Buffer.from((t.value as Buffer).subarray(0, 20)) });
        throw pkcs11Error('CKR_DEVICE_MEMORY', 0x31, 'C_CreateObject');
      },
    });
    const full = await rejectsCode(s.handoff({ custodianId: 'alice', pin: PIN }), 'HSM_TOKEN_FULL');
    assert.match(full.message, /Alice's shard was not stored/);
    assert.equal(await head(), start);
    faults.interceptor = undefined;
    assert.deepEqual(await shardsOn('alice-token'), []);

    // Locked: the module answers CKR_PIN_LOCKED at login.
    faults.interceptor = interceptSession({
      login: () => {
        throw pkcs11Error('CKR_PIN_LOCKED', 0xa4, 'C_Login');
      },
    });
    const locked = await rejectsCode(s.handoff({ custodianId: 'alice', pin: PIN }), 'HSM_PIN_LOCKED');
    noPinIn(errorText(locked), PIN);
    assert.equal(await head(), start);
    assert.equal((await s.status()).lastStep, 'split');

    // Pulled: the object is written, then the token disappears before the read-back.
    const dir = current.token('alice-token').dir;
    const away = join(current.root, 'pulled-alice');
    faults.interceptor = interceptSession({
      create: (target, template) => {
        const created = target.create(template as graphene.ITemplate);
        if ((template as graphene.ITemplate).class === graphene.ObjectClass.DATA) renameSync(dir, away);
        return created;
      },
    });
    const pulled = await rejectsCode(s.handoff({ custodianId: 'alice', pin: PIN }), 'HSM_TOKEN_ABSENT');
    assert.match(pulled.message, /Plug it back in/);
    assert.equal(await head(), start);
    assert.deepEqual((await s.status()).handedOff, []);

    // Plugged back in, no more faults: the handoff finds its own shard already there (written before the pull), checks
    // it byte for byte and records the handoff once.
    faults.interceptor = undefined;
    renameSync(away, dir);
    const view = await s.handoff({ custodianId: 'alice', pin: PIN });
    assert.equal(view.token?.alreadyStored, true);
    assert.equal((await shardsOn('alice-token')).length, 1);
    assert.deepEqual((await s.status()).handedOff, ['alice']);
    assert.equal(entries(r.dir).filter((e) => e.kind === 'token-store').length, 1);
    await s.confirm({ custodianId: 'alice', method: 'read-back-pkcs11', pin: PIN });
  });
});

describe('resume with token entries in the transcript', () => {
  it('restores the checked tokens before the secret exists, and after a handoff to a token says the secret is lost', async () => {
    env = makeSoftHsm(['alice-token', 'bob-token', 'carol-token'], { pin: PIN });
    const hsm = softHsmDep();
    const first = tokenRig(hsm);
    const plan = tokenPlan();
    const started = await first.service.start({ plan, entropyToken: { label: 'alice-token' } });
    // The entropy token is in the status from the start (label and serial: public), so a reloaded window knows it.
    const alice = started.tokens?.find((t) => t.custodianId === 'alice');
    assert.ok(alice, 'alice has a token');
    assert.deepEqual(started.entropyToken, { tokenLabel: 'alice-token', tokenSerial: alice.tokenSerial });
    assert.deepEqual((await first.service.status()).entropyToken, started.entropyToken);
    await first.service.checkAirGap();
    await first.service.shutdown();

    // A restarted app: the token-check entry gives back which token each custodian uses, and the entropy token.
    const second = tokenRig(hsm, { dir: first.dir });
    const resumed = await second.service.resume();
    assert.equal(resumed.phase, 'active');
    assert.deepEqual(resumed.tokens, started.tokens);
    assert.deepEqual(resumed.entropyToken, started.entropyToken);
    assert.deepEqual((await second.service.status()).entropyToken, started.entropyToken);
    const entropy = await second.service.gatherEntropy({ useHsm: true, hsmToken: { pin: PIN } });
    assert.deepEqual(entropy.sources, ['os-csprng', 'pkcs11-rng']);
    await second.service.generate();
    await second.service.split();
    await second.service.handoff({ custodianId: 'carol', pin: PIN });
    await second.service.shutdown();

    // Crash after Carol's shard went onto her token: the secret was only in memory; the replay (which skips the token
    // entries) knows Carol holds a shard.
    const third = tokenRig(hsm, { dir: first.dir });
    const lost = await third.service.resume();
    assert.equal(lost.phase, 'secret-lost-after-handoff');
    assert.deepEqual(lost.custodiansHoldingShards, ['carol']);
    assert.deepEqual(
      entries(first.dir).map((e) => e.kind),
      ['plan', 'token-check', 'airgap-check', 'token-random', 'entropy', 'generate', 'split', 'token-store', 'handoff'],
    );
    await rejectsCode(third.service.confirm({ custodianId: 'carol', method: 'read-back-pkcs11', pin: PIN }), 'CEREMONY_SECRET_LOST');
    await third.service.abort({ reason: 'secret lost in a crash' });
  });
});

describe('tokens are checked before the ceremony starts', () => {
  async function expectNotStarted(r: Rig): Promise<void> {
    assert.equal(existsSync(join(r.dir, 'transcript.json')), false, 'nothing may be recorded');
    assert.equal((await r.service.status()).phase, 'not-started');
  }

  it('refuses a write-protected token (no data objects) naming the custodian, and a token that is not there', async () => {
    env = makeSoftHsm(['alice-token', 'bob-token', 'carol-token'], { pin: PIN });
    env.setTokenFlags('bob-token', CKF_TOKEN.WRITE_PROTECTED);
    const r = tokenRig(softHsmDep());
    const plan = tokenPlan();
    const err = await rejectsCode(r.service.start({ plan }), 'HSM_MECHANISM');
    assert.match(err.message, /Bob's token/);
    assert.match(err.message, /write-protected/);
    assert.equal(err.details?.['custodianId'], 'bob');
    await expectNotStarted(r);

    const absent = tokenPlan({ labels: ['alice-token', 'bob-token', 'dan-token'] });
    const report = await r.service.checkDevices({ plan: absent });
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.problems.map((p) => [p.custodianId, p.code]),
      [
        ['bob', 'HSM_MECHANISM'],
        ['carol', 'HSM_TOKEN_ABSENT'],
      ],
    );
    assert.deepEqual(report.tokens.find((t) => t.custodianId === 'bob')?.missing, ['data-objects']);
    assert.equal(report.tokens.find((t) => t.custodianId === 'carol')?.present, false);
    const gone = await rejectsCode(r.service.start({ plan: absent }), 'HSM_MECHANISM');
    assert.match(gone.message, /Carol's token: No token labelled "dan-token"/);
    await expectNotStarted(r);
  });

  it('refuses an entropy token without a random generator, one token for two custodians, and a witness token without ECDSA', async () => {
    env = makeSoftHsm(['alice-token', 'bob-token', 'carol-token', 'witness-token'], { pin: PIN });
    // SoftHSM sets CKF_RNG on every token; clear it in the token's stored flags.
    const file = join(env.token('carol-token').dir, 'token.object');
    const bytes = readFileSync(file);
    const marker = Buffer.from('00000000800053' + '4b' + '0000000000000002', 'hex');
    const at = bytes.indexOf(marker) + marker.length;
    bytes.writeBigUInt64BE(bytes.readBigUInt64BE(at) & ~BigInt(CKF_TOKEN.RNG), at);
    writeFileSync(file, bytes);

    const prompts: PinPrompt[] = [];
    const hsm: CeremonyHsm = {
      modulePath: SOFTHSM_MODULE,
      // The witness token reports no CKM_ECDSA (SoftHSM offers it; real tokens may not).
      open: async (path) => {
        const port = await openHsm(path);
        return {
          library: port.library,
          listSlots: () => port.listSlots(),
          openSession: (sel, pin, o) => port.openSession(sel, pin, o),
          close: () => port.close(),
          findToken: async (sel) => {
            const info = await port.findToken(sel);
            if (info.label !== 'witness-token') return info;
            return { ...info, capabilities: info.capabilities.map((c) => (c.id === 'ecdsa' ? { ...c, available: false, note: 'the token does not offer CKM_ECDSA' } : c)) };
          },
        };
      },
    };
    const r = tokenRig(hsm, { overrides: { pins: async (p) => (prompts.push(p), PIN) } });
    const plan = tokenPlan();

    const rng = await rejectsCode(r.service.start({ plan, entropyToken: { label: 'carol-token' } }), 'HSM_MECHANISM');
    assert.match(rng.message, /The entropy token/);
    assert.match(rng.message, /CKF_RNG/);
    await expectNotStarted(r);

    const shared = await rejectsCode(r.service.start({ plan: tokenPlan({ labels: ['alice-token', 'bob-token', 'bob-token'] }) }), 'INVALID_ARGUMENT');
    assert.match(shared.message, /Carol's token: it is the same token as Bob's/);
    await expectNotStarted(r);

    const unnamed = await rejectsCode(
      r.service.start({ plan: { ...plan, custodians: plan.custodians.map((c) => (c.id === 'alice' ? { ...c, protection: { type: 'pkcs11' as const } } : c)) } }),
      'INVALID_ARGUMENT',
    );
    assert.match(unnamed.message, /Alice's token: the plan does not name it/);
    await expectNotStarted(r);

    const witness = await rejectsCode(r.service.loadWitnessToken({ witnessId: 'tess', token: { label: 'witness-token' }, keyLabel: WITNESS_KEY_LABEL }), 'HSM_MECHANISM');
    assert.match(witness.message, /witness tess/);
    assert.match(witness.message, /CKM_ECDSA/);
    assert.deepEqual(prompts, [], 'no PIN is asked for a token that is refused anyway');

    // The same plan with a capable entropy token (and the unnamed token chosen at start by serial) starts.
    const aliceSerial = await serialOf('alice-token');
    const ok = await r.service.start({
      plan: { ...plan, custodians: plan.custodians.map((c) => (c.id === 'alice' ? { ...c, protection: { type: 'pkcs11' as const } } : c)) },
      tokens: [{ custodianId: 'alice', serial: aliceSerial }],
      entropyToken: { label: 'bob-token' },
    });
    assert.equal(ok.tokens?.find((t) => t.custodianId === 'alice')?.tokenSerial, aliceSerial);
    await r.service.abort({ reason: 'test over' });
  });
});

async function serialOf(label: string): Promise<string> {
  const port = await openPort();
  try {
    return (await port.findToken({ label })).serial;
  } finally {
    await port.close();
    ports.splice(ports.indexOf(port), 1);
  }
}
