/**
 * A witness's signing key for one CLI command: their encrypted key file (keyshard witness keygen) opened with the
 * passphrase they type unseen (or from --passphrase-env VAR), used for the signatures that command makes, then wiped.
 * Shared by `custody check` and `frost aggregate`, which both write a transcript a witness signs.
 */
import { KeyshardError } from '../../core/errors';
import { softwareEd25519Signer, type WitnessSigner } from '../../core/transcript';
import { loadWitnessKeyFile } from '../services/witness/index';
import { unsealWitnessKey } from '../services/witness/key-file';
import type { ParsedArgs } from './args';
import type { CliIo } from './io';

function usage(message: string): KeyshardError {
  return new KeyshardError('INVALID_ARGUMENT', message, { usage: true });
}

/** The witness's passphrase: from --passphrase-env VAR, else typed unseen at the terminal. */
export async function witnessPassphrase(args: ParsedArgs, io: CliIo, env: Readonly<Record<string, string | undefined>>, witnessId: string): Promise<string> {
  const variable = args.values.get('passphrase-env');
  if (variable !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) throw usage('--passphrase-env takes the NAME of an environment variable (letters, digits, _), not the passphrase itself.');
    const value = env[variable];
    if (value === undefined || value === '') throw usage(`The environment variable ${variable} (from --passphrase-env) is not set or is empty.`);
    return value;
  }
  if (io.terminal === undefined) {
    throw usage('The witness passphrase cannot be asked here (no terminal). Put it in an environment variable and give its name with --passphrase-env VAR.');
  }
  return io.terminal.hidden(`Passphrase of ${witnessId}'s witness key (not shown): `);
}

/** Runs `use` with the witness's signer; the key is wiped afterwards, whatever happens. */
export async function withWitnessKeyFile<T>(
  file: string,
  args: ParsedArgs,
  io: CliIo,
  env: Readonly<Record<string, string | undefined>>,
  use: (signer: WitnessSigner) => Promise<T>,
): Promise<T> {
  const sealed = await loadWitnessKeyFile(file);
  try {
    const passphrase = await witnessPassphrase(args, io, env, sealed.witnessId);
    const secretKey = await unsealWitnessKey(sealed, passphrase);
    try {
      return await use(softwareEd25519Signer(sealed.witnessId, secretKey));
    } finally {
      secretKey.fill(0);
    }
  } finally {
    sealed.ciphertext.fill(0);
  }
}
