/**
 * Opening the shard files keyshard writes, from the command line: a KS1 text, a binary envelope (.ks), an age (.age) or
 * OpenPGP (.asc) file opened with the custodian's key file, or a file sealed to a PKCS#11 token (.p11) opened by that
 * token. Shared by `keyshard shard open` and `keyshard recover`.
 *
 * Keys are given as files (--identity, --gpg-key) and tried in turn; a token as --module, --token and a PIN from
 * --pin-env or the terminal. Nothing here prints; every failure is a KeyshardError naming the file, never its content.
 */
import { ENVELOPE_FORMAT_VERSION, ENVELOPE_MAGIC, decodeEnvelope, envelopeFromText, type Envelope } from '../../core/envelope';
import { KeyshardError, isKeyshardError } from '../../core/errors';
import type { HsmPort, HsmSession } from '../services/hsm/index';
import { detectProtection, openProtectedEnvelope, type OpeningKey } from '../services/protection/index';
import { type ParsedArgs, requireValue } from './args';
import { readInputFile } from './files';

/** What a shard file can be protected with, as the CLI reports it. */
export type ShardProtection = 'none' | 'age' | 'openpgp' | 'pkcs11';

/** The key-file flags every command that opens shards takes. */
export const SHARD_KEY_OPTIONS = {
  values: ['module', 'token', 'pin-env', 'gpg-passphrase-env'],
  repeatable: ['identity', 'gpg-key'],
} as const;

export const SHARD_KEY_HELP = [
  '  --identity FILE   an age identity file (AGE-SECRET-KEY-1...) that opens .age shards; repeat for several',
  '  --gpg-key FILE    an armored OpenPGP secret key that opens .asc shards; repeat for several',
  '  --gpg-passphrase-env VAR   the environment variable holding the passphrase of protected --gpg-key files',
  '  --module PATH --token LABEL [--pin-env VAR]',
  '                    the PKCS#11 token a .p11 shard is sealed to; the PIN from VAR, or asked for on the terminal',
];

function usage(message: string): KeyshardError {
  return new KeyshardError('INVALID_ARGUMENT', message, { usage: true });
}

function envName(args: ParsedArgs, flag: string): string | undefined {
  const name = args.values.get(flag);
  if (name !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw usage(`--${flag} takes the NAME of an environment variable (letters, digits, _), not its value.`);
  }
  return name;
}

/** Opens every shard file it is given with the keys it was given; close() ends a token session. */
export interface ShardOpener {
  open(path: string): Promise<{ envelope: Envelope; protection: ShardProtection }>;
  close(): Promise<void>;
}

export interface ShardOpenerDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readPin: (prompt: string) => Promise<string>;
  readonly openHsm: (modulePath: string) => Promise<HsmPort>;
}

/** The node implementations, loaded only when a token is used (the PKCS#11 binding is native code). */
export async function defaultShardOpenerDeps(): Promise<ShardOpenerDeps> {
  const hsmCli = await import('./commands/hsm');
  const hsm = await import('../services/hsm/index');
  return { env: process.env, readPin: hsmCli.readPinFromTerminal, openHsm: (path) => hsm.openHsm(path) };
}

function isBinaryEnvelope(data: Uint8Array): boolean {
  return data.length > 3 && data[0] === ENVELOPE_MAGIC[0] && data[1] === ENVELOPE_MAGIC[1] && data[2] === ENVELOPE_FORMAT_VERSION;
}

/** The key files given, read once (they are small; a key file beyond 64 KiB is not one). */
async function readKeys(args: ParsedArgs, env: ShardOpenerDeps['env']): Promise<{ age: { file: string; identity: string }[]; pgp: { file: string; key: string; passphrase?: string }[] }> {
  const passphraseVar = envName(args, 'gpg-passphrase-env');
  const passphrase = passphraseVar === undefined ? undefined : env[passphraseVar];
  if (passphraseVar !== undefined && (passphrase === undefined || passphrase === '')) {
    throw usage(`The environment variable ${passphraseVar} (from --gpg-passphrase-env) is not set or is empty.`);
  }
  const text = async (file: string) => new TextDecoder().decode(await readInputFile(file, 64 * 1024));
  const age = await Promise.all((args.lists.get('identity') ?? []).map(async (file) => ({ file, identity: await text(file) })));
  const pgp = await Promise.all(
    (args.lists.get('gpg-key') ?? []).map(async (file) => ({ file, key: await text(file), ...(passphrase === undefined ? {} : { passphrase }) })),
  );
  return { age, pgp };
}

/** Tries each key in turn; a wrong key is skipped, any other failure (a damaged file) is the answer. */
async function openWithAny(path: string, data: Uint8Array, keys: readonly { name: string; key: OpeningKey }[], kind: string, flag: string): Promise<Envelope> {
  if (keys.length === 0) {
    throw new KeyshardError('ENVELOPE_DECRYPT', `${path} is encrypted with ${kind}: give the custodian's key with ${flag} FILE.`, { reason: 'needs-key', path });
  }
  let last: KeyshardError | undefined;
  for (const { key } of keys) {
    try {
      return await openProtectedEnvelope(data, key);
    } catch (e) {
      if (!isKeyshardError(e) || e.code !== 'ENVELOPE_DECRYPT') throw e;
      last = e;
    }
  }
  if (keys.length === 1 && last !== undefined) throw new KeyshardError('ENVELOPE_DECRYPT', `${path}: ${last.message}`, { ...last.details, path });
  throw new KeyshardError('ENVELOPE_DECRYPT', `None of the ${keys.length} ${kind} keys given opens ${path}. Give the key of the custodian this shard belongs to.`, { reason: 'wrong-key', path });
}

export async function createShardOpener(args: ParsedArgs, deps?: ShardOpenerDeps): Promise<ShardOpener> {
  const env = deps?.env ?? process.env;
  const keys = await readKeys(args, env);
  const pinVar = envName(args, 'pin-env');
  const modulePath = args.values.get('module');
  if (modulePath !== undefined && !args.values.has('token')) throw usage('--module needs --token LABEL: the token the .p11 shards are sealed to.');
  let port: HsmPort | undefined;
  let session: HsmSession | undefined;

  const tokenSession = async (path: string): Promise<HsmSession> => {
    if (session !== undefined) return session;
    if (modulePath === undefined) {
      throw new KeyshardError('ENVELOPE_DECRYPT', `${path} is sealed to a PKCS#11 token: give --module PATH --token LABEL (and --pin-env VAR, or type the PIN).`, { reason: 'needs-key', path });
    }
    const d = deps ?? (await defaultShardOpenerDeps());
    port = await d.openHsm(modulePath);
    const selector = { label: requireValue(args, 'token') };
    const token = await port.findToken(selector);
    let pin: string;
    if (pinVar !== undefined) {
      const value = env[pinVar];
      if (value === undefined || value === '') throw usage(`The environment variable ${pinVar} (from --pin-env) is not set or is empty.`);
      pin = value;
    } else {
      pin = await d.readPin(`PIN for token "${token.label}" (serial ${token.serial}): `);
    }
    session = await port.openSession(selector, pin);
    return session;
  };

  return {
    async open(path) {
      const data = await readInputFile(path);
      try {
        if (isBinaryEnvelope(data)) return { envelope: decodeEnvelope(data), protection: 'none' };
        const kind = detectProtection(data);
        switch (kind) {
          case 'none':
            return { envelope: envelopeFromText(new TextDecoder().decode(data)), protection: 'none' };
          case 'age':
            return { envelope: await openWithAny(path, data, keys.age.map((k) => ({ name: k.file, key: { kind: 'age', identity: k.identity } })), 'age', '--identity'), protection: 'age' };
          case 'openpgp':
            return {
              envelope: await openWithAny(path, data, keys.pgp.map((k) => ({ name: k.file, key: { kind: 'openpgp', privateKeyArmored: k.key, ...(k.passphrase === undefined ? {} : { passphrase: k.passphrase }) } })), 'OpenPGP', '--gpg-key'),
              protection: 'openpgp',
            };
          case 'pkcs11':
            return { envelope: await openProtectedEnvelope(data, { kind: 'pkcs11', token: await tokenSession(path) }), protection: 'pkcs11' };
          default:
            throw new KeyshardError('ENVELOPE_FORMAT', `${path} is not a shard file keyshard writes (a KS1 text, .ks, .age, .asc or .p11 file).`, { path });
        }
      } finally {
        data.fill(0);
      }
    },
    async close() {
      await session?.close().catch(() => undefined);
      await port?.close().catch(() => undefined);
    },
  };
}
