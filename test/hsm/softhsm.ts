/**
 * Real SoftHSM2 tokens for tests: a fresh token directory and config per test, tokens made with
 * `softhsm2-util --init-token --free`, and helpers to simulate what SoftHSM cannot do by itself
 * (pull a token: delete its directory; lock a PIN: set the token's flags in its object file).
 *
 * SoftHSM reads SOFTHSM2_CONF and scans the token directory at C_Initialize, so make every token first, then
 * open the port; close every port before the next test makes its own tokens.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as graphene from 'graphene-pk11';
import { openHsm, type HsmPort, type OpenHsmOptions } from '../../electron/services/hsm/index';
import type { CeremonyPlan } from '../../core/policy';
import type { Envelope } from '../../core/envelope';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const USER_PIN = '123456';
export const SO_PIN = '87654321';

export interface TestToken {
  readonly label: string;
  readonly pin: string;
  /** The token's directory under the token dir (what "pulling the token" deletes). */
  readonly dir: string;
}

export interface SoftHsm {
  readonly root: string;
  readonly conf: string;
  readonly tokens: ReadonlyMap<string, TestToken>;
  token(label: string): TestToken;
  /** Simulates pulling the token out: its directory disappears. */
  removeToken(label: string): void;
  /** ORs CK_TOKEN_INFO flags into the token's stored flags (SoftHSM keeps them in token.object). Call before openHsm. */
  setTokenFlags(label: string, bits: number): void;
  cleanup(): void;
}

/** CKA_VENDOR_SOFTHSM + 0x4B (token flags) as SoftHSM's file store writes it: type u64, kind 2 (ulong), u64 value. */
const TOKEN_FLAGS_MARKER = Buffer.from('00000000800053' + '4b' + '0000000000000002', 'hex');

export function makeSoftHsm(labels: readonly string[], options: { pin?: string } = {}): SoftHsm {
  const root = mkdtempSync(join(tmpdir(), 'keyshard-softhsm-'));
  const tokenDir = join(root, 'tokens');
  mkdirSync(tokenDir);
  const conf = join(root, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  process.env.SOFTHSM2_CONF = conf;
  const pin = options.pin ?? USER_PIN;
  const tokens = new Map<string, TestToken>();
  for (const label of labels) {
    const before = new Set(readdirSync(tokenDir));
    const r = spawnSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', SO_PIN], {
      env: { ...process.env, SOFTHSM2_CONF: conf },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`softhsm2-util --init-token failed for ${label}: ${r.stderr}`);
    const made = readdirSync(tokenDir).filter((d) => !before.has(d));
    if (made.length !== 1) throw new Error(`expected one new token directory for ${label}, found ${made.length}`);
    tokens.set(label, { label, pin, dir: join(tokenDir, made[0]!) });
  }
  const token = (label: string): TestToken => {
    const t = tokens.get(label);
    if (t === undefined) throw new Error(`no test token ${label}`);
    return t;
  };
  return {
    root,
    conf,
    tokens,
    token,
    removeToken(label) {
      rmSync(token(label).dir, { recursive: true, force: true });
    },
    setTokenFlags(label, bits) {
      const file = join(token(label).dir, 'token.object');
      const data = readFileSync(file);
      const at = data.indexOf(TOKEN_FLAGS_MARKER);
      if (at < 0 || data.indexOf(TOKEN_FLAGS_MARKER, at + 1) >= 0) throw new Error('token flags not found exactly once in token.object');
      const valueAt = at + TOKEN_FLAGS_MARKER.length;
      data.writeBigUInt64BE(data.readBigUInt64BE(valueAt) | BigInt(bits), valueAt);
      writeFileSync(file, data);
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A session wrapper that replaces some methods (fault injection through OpenHsmOptions.sessionInterceptor). */
export function interceptSession(overrides: Partial<Record<keyof graphene.Session, (target: graphene.Session, ...args: unknown[]) => unknown>>) {
  return (session: graphene.Session): graphene.Session =>
    new Proxy(session, {
      get(target, prop, receiver) {
        const override = (overrides as Record<string | symbol, ((t: graphene.Session, ...a: unknown[]) => unknown) | undefined>)[prop];
        if (override !== undefined) return (...args: unknown[]) => override(target, ...args);
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
}

const { Pkcs11Error } = createRequire(import.meta.url)('pkcs11js') as { Pkcs11Error: new (message: string, code?: number, method?: string) => Error };

/** pkcs11js' own Pkcs11Error for a CKR_* code: exactly what the binding throws when a real token returns it. */
export function pkcs11Error(name: string, code: number, method: string): Error {
  return new Pkcs11Error(`${name}:${code}`, code, method);
}

export function exists(path: string): boolean {
  return existsSync(path);
}

const openedPorts: HsmPort[] = [];

/** Opens the SoftHSM2 module and remembers the port, so an afterEach can close it with closeOpenedPorts(). */
export async function openSoftHsmPort(options?: OpenHsmOptions): Promise<HsmPort> {
  const port = await openHsm(SOFTHSM_MODULE, options);
  openedPorts.push(port);
  return port;
}

/** Closes every port openSoftHsmPort() opened since the last call. */
export async function closeOpenedPorts(): Promise<void> {
  for (const p of openedPorts.splice(0)) await p.close();
}

/**
 * Stores shard envelopes on a token through its own login (a set-up step, as a ceremony would have done), then closes
 * the module, so the service under test opens it afresh.
 */
export async function storeShardsOnToken(label: string, pin: string, envelopes: readonly Envelope[]): Promise<void> {
  const port = await openSoftHsmPort();
  const session = await port.openSession({ label }, pin);
  try {
    for (const e of envelopes) await session.storeShard(e);
  } finally {
    await session.close();
    await closeOpenedPorts();
  }
}

type Three<T> = readonly [T, T, T];

export interface TokenPlanOptions {
  readonly label?: string;
  /** The tokens the plan names for Alice, Bob and Carol (default alice-token, bob-token, carol-token). */
  readonly tokenLabels?: readonly string[];
  readonly names?: Three<string>;
  readonly organisations?: Three<string>;
  readonly locations?: Three<string>;
  readonly bits?: 128 | 256;
  readonly witnesses?: CeremonyPlan['witnesses'];
  /** Without witnesses: why (default: an integration test). */
  readonly noWitnessReason?: string;
}

/** A SLIP-39 2-of-3 plan whose three custodians (ids alice, bob, carol) keep their shards on their own tokens. */
export function tokenHeldPlan(options: TokenPlanOptions = {}): CeremonyPlan {
  const labels = options.tokenLabels ?? ['alice-token', 'bob-token', 'carol-token'];
  const names = options.names ?? ['Alice', 'Bob', 'Carol'];
  const organisations = options.organisations ?? ['Acme', 'Globex', 'Initech'];
  const locations = options.locations ?? ['Zurich', 'Zurich', 'Zurich'];
  const custodian = (id: string, member: 0 | 1 | 2) => ({
    id,
    name: names[member],
    organisation: organisations[member],
    location: locations[member],
    medium: 'pkcs11' as const,
    protection: { type: 'pkcs11' as const, tokenLabel: labels[member]! },
    shares: [{ group: 0, member }],
  });
  const witnesses = options.witnesses ?? [];
  return {
    version: 1,
    label: options.label ?? 'Token-held seed',
    createdAt: '2025-03-01T09:00:00.000Z',
    secret: { type: 'new-seed', bits: options.bits ?? 256 },
    scheme: { type: 'slip39', groupThreshold: 1, groups: [{ memberThreshold: 2, memberCount: 3 }] },
    custodians: [custodian('alice', 0), custodian('bob', 1), custodian('carol', 2)],
    witnesses,
    ...(witnesses.length === 0 ? { noWitnessReason: options.noWitnessReason ?? 'integration test of token handling' } : {}),
  };
}

/** The witness key label keyshard suggests for a signing key pair on a token. */
export const WITNESS_KEY_LABEL = 'keyshard-witness';

/** A witness's ECDSA P-256 signing key, made on their token beforehand (a set-up step, outside the ceremony). */
export async function witnessKeyOnToken(tokenLabel: string, pin: string, keyLabel = WITNESS_KEY_LABEL): Promise<string> {
  const port = await openHsm(SOFTHSM_MODULE);
  try {
    const session = await port.openSession({ label: tokenLabel }, pin);
    try {
      return (await session.ensureKeyPair(keyLabel, 'sign')).publicKeyHex;
    } finally {
      await session.close();
    }
  } finally {
    await port.close();
  }
}
