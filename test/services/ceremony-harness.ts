/**
 * Shared by the ceremony service tests (not a test file itself): plans with real age / OpenPGP keys, a temp "USB"
 * drive, deterministic witnesses, a secret store that remembers every buffer it was given (to prove they end up
 * zeroed), and a driver that runs a whole ceremony the way the screens will.
 */
import assert from 'node:assert/strict';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { CeremonyPlan, KeyCurve, SecretPlan } from '../../core/policy';
import type { QrFrameOptions } from '../../core/qr/index';
import { givenBackBytes, shardDisplay, type GivenBackText, type ShardDisplay } from '../../core/shard-display';
import type { Pbkdf2 } from '../../core/slip39/index';
import { softwareEd25519Signer, verifyTranscriptText, type WitnessSigner } from '../../core/transcript';
import { createCeremonyService, type CeremonyService, type CeremonyServiceDeps, type HandoffView, type ShardResponse } from '../../electron/services/ceremony/index';
import { generateAgeIdentity, generateOpenPgpKey, type OpeningKey } from '../../electron/services/protection/index';
import { createSecretStore, type SecretStore } from '../../electron/services/secrets/index';

export const nodePbkdf2: Pbkdf2 = (password, salt, iterations, dkLen) => new Uint8Array(pbkdf2Sync(password, salt, iterations, dkLen, 'sha256'));

const temps: string[] = [];
export function tempDir(label: string): string {
  const d = mkdtempSync(join(tmpdir(), `keyshard-${label}-`));
  temps.push(d);
  return d;
}
export function cleanTemps(): void {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A secret store that keeps a reference to every buffer it handed out, so a test can check them afterwards. */
export function trackingStore(): { store: SecretStore; buffers: { label: string; bytes: Uint8Array }[] } {
  const inner = createSecretStore();
  const buffers: { label: string; bytes: Uint8Array }[] = [];
  const store: SecretStore = {
    ...inner,
    put(label, bytes) {
      const h = inner.put(label, bytes);
      buffers.push({ label, bytes: inner.read(h) });
      return h;
    },
  };
  return { store, buffers };
}

export function allZero(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0);
}

export function witness(id: string): WitnessSigner {
  return softwareEd25519Signer(id, sha256(utf8ToBytes(`keyshard ceremony test witness ${id}`)));
}

export const WITNESSES = { wendy: witness('wendy'), victor: witness('victor') };

export interface Keys {
  age: { identity: string; recipient: string };
  pgp: { privateKeyArmored: string; publicKeyArmored: string };
}

let keys: Promise<Keys> | undefined;
/** One age identity and one OpenPGP key for the whole test file (key generation is the slow part). */
export function custodianKeys(): Promise<Keys> {
  keys ??= (async () => ({ age: await generateAgeIdentity(), pgp: await generateOpenPgpKey('Bob Example') }))();
  return keys;
}

const T0 = '2025-03-01T09:00:00.000Z';

/** An unwitnessed plan (no sign-offs) with three screen custodians, 2 of 3: quick to drive through every step. */
export function unwitnessedPlan(secret: SecretPlan, scheme: 'slip39' | 'vss', curve: KeyCurve = 'ed25519', label = 'variant'): CeremonyPlan {
  return {
    version: 1,
    label,
    createdAt: '2025-03-01T09:00:00.000Z',
    secret,
    scheme: scheme === 'slip39' ? { type: 'slip39', groupThreshold: 1, groups: [{ memberThreshold: 2, memberCount: 3 }] } : { type: 'vss', ciphersuite: curve, threshold: 2, shares: 3 },
    custodians: ['ann', 'ben', 'cat'].map((id, i) => ({
      id,
      name: id.toUpperCase(),
      organisation: 'Org',
      location: 'Here',
      medium: 'screen-qr' as const,
      protection: { type: 'none' as const },
      shares: [scheme === 'slip39' ? { group: 0, member: i } : { signer: i + 1 }],
    })),
    witnesses: [],
    noWitnessReason: 'unit test',
  };
}

/** SLIP-39 2-of-3 (256-bit seed): Alice on paper, Bob on USB (age), Carol on screen; Wendy witnesses all. */
export function slip39Plan(k: Keys): CeremonyPlan {
  return {
    version: 1,
    label: 'Treasury seed 2025',
    createdAt: T0,
    secret: { type: 'new-seed', bits: 256 },
    scheme: { type: 'slip39', groupThreshold: 1, groups: [{ memberThreshold: 2, memberCount: 3 }] },
    custodians: [
      { id: 'alice', name: 'Alice', organisation: 'Acme', location: 'Zurich', medium: 'paper', protection: { type: 'none' }, shares: [{ group: 0, member: 0 }] },
      { id: 'bob', name: 'Bob', organisation: 'Globex', location: 'Geneva', medium: 'usb', protection: { type: 'age', recipient: k.age.recipient }, shares: [{ group: 0, member: 1 }] },
      { id: 'carol', name: 'Carol', organisation: 'Initech', location: 'Basel', medium: 'screen-qr', protection: { type: 'none' }, shares: [{ group: 0, member: 2 }] },
    ],
    witnesses: [{ id: 'wendy', name: 'Wendy', organisation: 'Notary Office', observes: 'all' }],
  };
}

/** FROST 3-of-5 (ed25519): Bob on USB (OpenPGP), the others on screen or paper; Victor watches only Dan and Erin. */
export function vssPlan(k: Keys): CeremonyPlan {
  const c = (id: string, name: string, medium: 'paper' | 'screen-qr', signer: number) => ({
    id,
    name,
    organisation: signer <= 3 ? 'Acme' : 'Globex',
    location: 'Zurich',
    medium,
    protection: { type: 'none' as const },
    shares: [{ signer }],
  });
  return {
    version: 1,
    label: 'Signer set A',
    createdAt: T0,
    secret: { type: 'new-key', curve: 'ed25519' },
    scheme: { type: 'vss', ciphersuite: 'ed25519', threshold: 3, shares: 5 },
    custodians: [
      c('alice', 'Alice', 'screen-qr', 1),
      { id: 'bob', name: 'Bob', organisation: 'Acme', location: 'Zurich', medium: 'usb', protection: { type: 'openpgp', publicKeyArmored: k.pgp.publicKeyArmored }, shares: [{ signer: 2 }] },
      c('carol', 'Carol', 'paper', 3),
      c('dan', 'Dan', 'paper', 4),
      c('erin', 'Erin', 'screen-qr', 5),
    ],
    witnesses: [
      { id: 'wendy', name: 'Wendy', organisation: 'Notary Office', observes: 'all' },
      { id: 'victor', name: 'Victor', organisation: 'Audit Ltd', observes: ['dan', 'erin'] },
    ],
  };
}

/** A clock that moves one second per reading. */
export function steppingClock(start = '2025-03-01T10:00:00.000Z'): () => Date {
  let t = Date.parse(start);
  return () => new Date((t += 1000));
}

export interface Rig {
  service: CeremonyService;
  dir: string;
  usbDir: string;
  buffers: { label: string; bytes: Uint8Array }[];
  deps: CeremonyServiceDeps;
  airgap: { ok: boolean };
}

/** A service on a temp transcript dir and a temp USB dir; the air gap reports what `airgap.ok` says. */
export function rig(options: { dir?: string; airgapOk?: boolean; overrides?: Partial<CeremonyServiceDeps> } = {}): Rig {
  const dir = options.dir ?? tempDir('ceremony');
  const usbDir = join(dir, 'usb');
  mkdirSync(usbDir, { recursive: true });
  const { store, buffers } = trackingStore();
  const airgap = { ok: options.airgapOk ?? true };
  const deps: CeremonyServiceDeps = {
    clock: steppingClock(),
    random: (n) => new Uint8Array(randomBytes(n)),
    airgap: {
      check: async () =>
        airgap.ok
          ? { ok: true, interfaces: [{ name: 'lo', up: true, kind: 'loopback' }] }
          : { ok: false, interfaces: [{ name: 'lo', up: true, kind: 'loopback' }, { name: 'eth0', up: true, kind: 'ethernet' }], problems: [{ name: 'eth0', message: 'eth0 is up' }] },
    },
    transcriptDir: dir,
    usb: {
      write: async ({ fileName, data }) => {
        const location = join(usbDir, fileName);
        writeFileSync(location, data);
        return { location };
      },
      read: async ({ location }) => new Uint8Array(readFileSync(location)),
      remove: async ({ location }) => rmSync(location, { force: true }),
    },
    secrets: store,
    ...options.overrides,
  };
  return { service: createCeremonyService(deps), dir, usbDir, buffers, deps, airgap };
}

/**
 * One witness signs the open checkpoint with their own act: the checkpoint's fingerprint typed back as the screen
 * shows it (status.signOff.confirm), and a passphrase or PIN when their key needs one.
 */
export async function signAs(service: Pick<CeremonyService, 'status' | 'signOff'>, witnessId: string, act: { passphrase?: string; pin?: string } = {}) {
  const so = (await service.status()).signOff;
  return service.signOff({ witnessId, fingerprint: so?.confirm.display ?? '', ...act });
}

/** Signs every sign-off the open checkpoint requires, with the first eligible witnesses (`acts`: their passphrase or PIN). */
export async function signPending(service: CeremonyService, acts: Readonly<Record<string, { passphrase?: string; pin?: string }>> = {}): Promise<number> {
  let n = 0;
  for (;;) {
    const s = (await service.status()).signOff;
    if (s === null || s.signedBy.length >= s.required) return n;
    const id = s.eligible.find((w) => !s.signedBy.includes(w))!;
    await signAs(service, id, acts[id] ?? {});
    n++;
  }
}

/** From a started ceremony to its handoffs: the air-gap check, entropy, generation and split, each step signed off. */
export async function toHandoffs(s: CeremonyService): Promise<void> {
  await s.checkAirGap();
  await signPending(s);
  await s.gatherEntropy({ diceRolls: '3 1 4 1 5 2 6 5 3 5' });
  await signPending(s);
  await s.generate();
  await signPending(s);
  await s.split();
  await signPending(s);
}

/** After the test recovery: destroys the secret and seals, each step signed off; the sealed transcript must verify. */
export async function sealAndVerify(s: CeremonyService, dir: string): Promise<Extract<ReturnType<typeof verifyTranscriptText>, { ok: true }>> {
  await s.destroy({ confirmed: true });
  await signPending(s);
  await s.seal();
  await signPending(s);
  assert.equal((await s.status()).phase, 'sealed');
  const v = verifyTranscriptText(readFileSync(join(dir, 'transcript.json'), 'utf8'));
  assert.ok(v.ok, v.ok ? '' : v.reason);
  return v;
}

/** A shown shard's text forms, as the window makes them from the bytes main sends (words, KS1 text, QR frames). */
export function shown(s: { readonly envelope: Uint8Array; readonly qrOptions: QrFrameOptions }): ShardDisplay {
  return shardDisplay(s.envelope, s.qrOptions);
}

/** Every shard of a handoff (the service's or the IPC answer) as the window shows it. */
export function shownShards(view: { readonly shards: readonly { readonly envelope: Uint8Array; readonly qrOptions: QrFrameOptions }[] }): ShardDisplay[] {
  return view.shards.map(shown);
}

/** What the window sends for what a custodian gave back (typed words or text, scanned QR texts): bytes. */
export function given(r: GivenBackText, use: 'compare' | 'read' = 'compare'): ShardResponse {
  return givenBackBytes(r, use);
}

/** What a custodian gives back to confirm, by medium: the QR frames, the typed words or text, or nothing (USB). */
export function responseFor(view: HandoffView, plan: CeremonyPlan): ShardResponse[] {
  return shownShards(view).map((s) => {
    if (view.medium === 'screen-qr') return given({ qrTexts: [...s.qr.frames] });
    return given(plan.scheme.type === 'slip39' ? { words: (s.words ?? []).join(' ') } : { text: s.paperText });
  });
}

export function methodFor(medium: string): 'scan-qr' | 'type-back' | 'read-back-usb' {
  return medium === 'screen-qr' ? 'scan-qr' : medium === 'paper' ? 'type-back' : 'read-back-usb';
}

export function openingKeyFor(plan: CeremonyPlan, custodianId: string, k: Keys): OpeningKey | undefined {
  const p = plan.custodians.find((c) => c.id === custodianId)!.protection;
  if (p.type === 'age') return { kind: 'age', identity: k.age.identity };
  if (p.type === 'openpgp') return { kind: 'openpgp', privateKeyArmored: k.pgp.privateKeyArmored };
  return undefined;
}

export interface FullRun {
  views: Map<string, HandoffView>;
  generatedFingerprint: string;
  recoveredFingerprint: string;
  headHash: string;
}

/** Runs the whole ceremony from start to the sealed transcript, signing every checkpoint. */
export async function runCeremony(r: Rig, plan: CeremonyPlan, k: Keys, options: { quorum?: string[] } = {}): Promise<FullRun> {
  const s = r.service;
  const witnesses = plan.witnesses.map((w) => WITNESSES[w.id as keyof typeof WITNESSES]);
  for (const w of witnesses) await s.registerWitnessSigner(w);
  await s.start({ plan });
  const air = await s.checkAirGap();
  assert.equal(air.passed, true);
  await signPending(s);
  await s.gatherEntropy({ diceRolls: '3 1 4 1 5 2 6 5 3 5' });
  await signPending(s);
  const gen = await s.generate();
  await signPending(s);
  const split = await s.split();
  assert.equal(split.fingerprint.hex, gen.fingerprint.hex);
  await signPending(s);
  const views = new Map<string, HandoffView>();
  for (const c of plan.custodians) {
    const view = await s.handoff({ custodianId: c.id });
    views.set(c.id, view);
    const key = openingKeyFor(plan, c.id, k);
    await s.confirm({
      custodianId: c.id,
      method: methodFor(c.medium),
      ...(c.medium === 'usb' ? { openingKeys: key === undefined ? [] : [key] } : { responses: responseFor(view, plan) }),
    });
    await signPending(s);
    // The receipt (shard sealed; no bag in these plans) before the next custodian's turn: main refuses to go on without it.
    await s.receipt({ custodianId: c.id });
  }
  const quorum = options.quorum ?? (plan.scheme.type === 'vss' ? ['alice', 'carol', 'erin'] : ['alice', 'carol']);
  const rec = await s.testRecovery({
    responses: quorum.map((id) => ({ custodianId: id, shards: shownShards(views.get(id)!).map((sh) => given({ text: sh.envelopeText }, 'read')) })),
  });
  assert.equal(rec.fingerprintMatch, true);
  await signPending(s);
  await s.destroy({ confirmed: true });
  await signPending(s);
  await s.seal();
  await signPending(s);
  const st = await s.status();
  assert.equal(st.phase, 'sealed');
  return { views, generatedFingerprint: gen.fingerprint.hex, recoveredFingerprint: rec.recovered.hex, headHash: st.transcript.headHash! };
}
