/**
 * `keyshard witness keygen`: makes a witness's encrypted Ed25519 key file (electron/services/witness/key-file.ts), the
 * file a witness brings on their stick and unlocks with their passphrase at every sign-off. Prints the public key to
 * pin in the plan (the transcript's witnessKeys).
 *
 * The passphrase: typed twice at the terminal without echo, or read from the environment variable named by
 * --passphrase-env. Never a flag: a command line is readable by every user of the machine and stays in shell history.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { KeyshardError } from '../../../core/errors';
import { isPrintableId } from '../../../core/transcript';
import { checkNewPassphrase, DEFAULT_SCRYPT_LOG_N, MAX_SCRYPT_LOG_N, MIN_SCRYPT_LOG_N, sealWitnessKey } from '../../services/witness/key-file';
import { requireValue } from '../args';
import type { CliCommand } from '../command';
import type { CliIo } from '../io';
import { readPinFromTerminal } from './hsm';

/** What keygen touches besides stdout/stderr; tests pass fakes. */
export interface WitnessCliDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a line from the terminal without echoing it. */
  readonly readHidden: (prompt: string) => Promise<string>;
  /** Creates a new file (refusing to overwrite), readable by its owner only. */
  readonly writeNewFile: (path: string, data: string) => Promise<void>;
  readonly random: (n: number) => Uint8Array;
}

function usage(message: string): KeyshardError {
  return new KeyshardError('INVALID_ARGUMENT', message, { usage: true });
}

/** The terminal reader says "PIN" in its errors; here it is a passphrase. */
async function readPassphraseFromTerminal(prompt: string): Promise<string> {
  try {
    return await readPinFromTerminal(prompt);
  } catch (e) {
    if (e instanceof KeyshardError && e.code === 'INVALID_ARGUMENT') {
      throw usage('The passphrase cannot be typed here without showing it (no terminal). Put it in an environment variable and give its name with --passphrase-env VAR.');
    }
    throw e;
  }
}

const defaultDeps: WitnessCliDeps = {
  env: process.env,
  readHidden: readPassphraseFromTerminal,
  writeNewFile: (path, data) => writeFile(path, data, { flag: 'wx', mode: 0o600 }),
  random: (n) => new Uint8Array(randomBytes(n)),
};

async function passphraseOf(args: { values: ReadonlyMap<string, string> }, deps: WitnessCliDeps, id: string): Promise<string> {
  if (args.values.has('passphrase')) {
    throw usage('--passphrase is not accepted: other users of this machine can read a command line, and it stays in your shell history. Type it at the prompt, or use --passphrase-env VAR.');
  }
  const variable = args.values.get('passphrase-env');
  if (variable !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) throw usage('--passphrase-env takes the NAME of an environment variable (letters, digits, _), not the passphrase itself.');
    const value = deps.env[variable];
    if (value === undefined || value === '') throw usage(`The environment variable ${variable} (from --passphrase-env) is not set or is empty.`);
    checkNewPassphrase(value);
    return value;
  }
  const first = await deps.readHidden(`Passphrase for ${id}'s witness key (only ${id} should know it): `);
  checkNewPassphrase(first);
  const again = await deps.readHidden('The same passphrase again: ');
  if (again !== first) throw usage('The two passphrases differ; nothing was written. Run the command again.');
  return first;
}

export function createWitnessCommands(overrides: Partial<WitnessCliDeps> = {}): readonly CliCommand[] {
  const deps: WitnessCliDeps = { ...defaultDeps, ...overrides };
  const keygen: CliCommand = {
    group: 'witness',
    action: 'keygen',
    summary: "make a witness's encrypted signing key file (a passphrase opens it at every sign-off)",
    help: [
      'Usage: keyshard witness keygen --id WITNESS --out FILE [--passphrase-env VAR] [--json]',
      '',
      "Makes a new Ed25519 signing key for a witness and writes it to FILE, encrypted under the witness's passphrase",
      '(scrypt and XChaCha20-Poly1305). The witness brings the file on their own stick; at every sign-off the app asks',
      'for the passphrase and uses the key for that one signature. FILE is created new (never overwritten), owner-only.',
      'Prints the public key: pin it for this witness in the plan, so that no other key can sign in their name.',
      '',
      '  --id WITNESS           the witness id, as the plan names the witness',
      '  --out FILE             where to write the key file',
      '  --passphrase-env VAR   read the passphrase from the environment variable VAR; without it, it is typed twice',
      '                         at the terminal, unseen. Never give the passphrase itself on the command line.',
      `  --cost N               scrypt cost 2^N, ${MIN_SCRYPT_LOG_N} to ${MAX_SCRYPT_LOG_N} (default ${DEFAULT_SCRYPT_LOG_N}: about a second per sign-off)`,
      '  --json                 {"witnessId", "algorithm": "ed25519", "publicKey", "file"}',
    ].join('\n'),
    options: { values: ['id', 'out', 'passphrase-env', 'passphrase', 'cost'], booleans: ['json'] },
    async run(args, io: CliIo) {
      const id = requireValue(args, 'id');
      if (!isPrintableId(id)) throw usage('--id is the witness id as the plan names the witness (letters, digits, - and _).');
      const out = requireValue(args, 'out');
      const costText = args.values.get('cost');
      const logN = costText === undefined ? DEFAULT_SCRYPT_LOG_N : Number(costText);
      if (!Number.isInteger(logN) || logN < MIN_SCRYPT_LOG_N || logN > MAX_SCRYPT_LOG_N) throw usage(`--cost is a whole number from ${MIN_SCRYPT_LOG_N} to ${MAX_SCRYPT_LOG_N}.`);
      const passphrase = await passphraseOf(args, deps, id);
      const secretKey = deps.random(32);
      let text: string;
      let publicKey: string;
      try {
        publicKey = bytesToHex(ed25519.getPublicKey(secretKey));
        text = await sealWitnessKey(id, secretKey, passphrase, { logN });
      } finally {
        secretKey.fill(0);
      }
      try {
        await deps.writeNewFile(out, text);
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        if (code === 'EEXIST') throw usage(`${out} already exists; keyshard never overwrites a key file. Choose another name.`);
        throw new KeyshardError('INVALID_ARGUMENT', `The key file could not be written to ${out}. Check the folder exists and is writable.`);
      }
      if (args.booleans.get('json') === true) io.stdout(`${JSON.stringify({ witnessId: id, algorithm: 'ed25519', publicKey, file: out })}\n`);
      else {
        io.stdout(`Wrote ${id}'s encrypted witness key to ${out}.\n`);
        io.stdout(`Public key (pin it for ${id} in the plan): ed25519 ${publicKey}\n`);
      }
      return 0;
    },
  };
  return [keygen];
}

export const witnessCommands: readonly CliCommand[] = createWitnessCommands();
