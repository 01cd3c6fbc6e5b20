/**
 * The one way protection code reports a failed decryption. Library errors are never passed on (not even as
 * `cause`): their messages can quote packet contents. Each reason gets a message that says what to try.
 */
import { KeyshardError } from '../../../core/errors';
import { MAX_OPENING_KEYS } from './limits';

export type DecryptFailure =
  | 'wrong-key'
  | 'damaged'
  | 'bad-key'
  | 'passphrase-required'
  | 'wrong-passphrase'
  | 'wrong-kind'
  | 'not-protected'
  | 'too-many-keys'
  | 'key-too-costly';

export type ProtectionName = 'age' | 'openpgp';

const LABEL: Record<ProtectionName, string> = { age: 'age', openpgp: 'OpenPGP' };

function messageFor(reason: DecryptFailure, kind: ProtectionName): string {
  const k = LABEL[kind];
  switch (reason) {
    case 'wrong-key':
      return kind === 'age'
        ? 'No key you gave opens this shard file: it was encrypted for a different age key, or its header is damaged. ' +
            "Try the custodian's other key files; if none works, use another copy of the file or the paper copy."
        : 'This shard file was encrypted for a different OpenPGP key. Choose the private key of the custodian it was made for ' +
            '(`gpg --list-packets FILE` shows the key id it needs); if none works, use the paper copy.';
    case 'damaged':
      return `This ${k} shard file is damaged: its integrity check failed, so nothing from it was used. Use another copy of the file or the paper copy.`;
    case 'bad-key':
      return kind === 'age'
        ? 'This is not a readable age identity. Choose the key file the custodian received: it holds a line that starts with AGE-SECRET-KEY-1.'
        : 'This is not a readable OpenPGP private key. Choose the armored private key (it starts with -----BEGIN PGP PRIVATE KEY BLOCK-----), ' +
            'for example from `gpg --armor --export-secret-keys`.';
    case 'passphrase-required':
      return 'This OpenPGP key is protected with a passphrase: enter it and try again.';
    case 'wrong-passphrase':
      return 'The passphrase for this OpenPGP key is wrong. Check Caps Lock and the keyboard layout, and try again.';
    case 'wrong-kind':
      return `This file is not protected with ${k}: choose the key type that matches the file (.age files need an age key, .asc files an OpenPGP key).`;
    case 'too-many-keys':
      return kind === 'age'
        ? `This key file holds more than ${MAX_OPENING_KEYS} age keys, so none was tried: choose the custodian's own key file (age-keygen writes one key to a file).`
        : `This OpenPGP private key has more than ${MAX_OPENING_KEYS} subkeys, so none was tried: export only the custodian's key (\`gpg --armor --export-secret-keys KEY-ID\`).`;
    case 'key-too-costly':
      return (
        "This OpenPGP key's passphrase protection asks for more work than keyshard spends on unlocking a key (far more than gpg writes), so the passphrase was not tried. " +
        "Protect the key with gpg's usual settings (`gpg --edit-key KEY-ID passwd`, then `gpg --armor --export-secret-keys KEY-ID`), or use the paper copy."
      );
    case 'not-protected':
      return `This file is not an ${k}-encrypted shard. Check that you chose the right file.`;
  }
}

export function decryptFailed(reason: DecryptFailure, kind: ProtectionName): KeyshardError {
  return new KeyshardError('ENVELOPE_DECRYPT', messageFor(reason, kind), { reason, protection: kind });
}

/** The decrypted bytes as text; they must be UTF-8 (a shard text is ASCII). Zeroes `bytes`. */
export function plaintextToString(bytes: Uint8Array, kind: ProtectionName): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new KeyshardError('ENVELOPE_FORMAT', `This ${LABEL[kind]} file opened, but it does not hold a keyshard shard text. Check that you chose the right file.`);
  } finally {
    bytes.fill(0);
  }
}
