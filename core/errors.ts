/**
 * Every failure keyshard reports to a person or a script is a KeyshardError with a stable code.
 * Messages say what went wrong and what to do next; they never contain secret material
 * (no share values, no words of a mnemonic, no passphrases).
 */
export type KeyshardErrorCode =
  // input shape
  | 'INVALID_ARGUMENT'
  | 'INVALID_HEX'
  // a fingerprint or hash typed as its words to read aloud (core/read-aloud.ts): a word not on the list, the wrong
  // number of words, a checksum that does not hold
  | 'READ_ALOUD_WORD'
  | 'READ_ALOUD_LENGTH'
  | 'READ_ALOUD_CHECKSUM'
  // a paper shard's line typed with check characters that do not match (core/paper-lines.ts): names the line
  | 'PAPER_LINE_CHECK'
  // SLIP-39 mnemonics
  | 'SLIP39_WORD'
  | 'SLIP39_LENGTH'
  | 'SLIP39_CHECKSUM'
  | 'SLIP39_PADDING'
  | 'SLIP39_PARAMETERS'
  | 'SLIP39_DIGEST'
  | 'SHARES_MISMATCH'
  | 'DUPLICATE_SHARE'
  | 'BELOW_THRESHOLD'
  | 'SECRET_LENGTH'
  // SLIP-39 key stretching in main: shares asking for more PBKDF2 work than keyshard writes (asked first), a cancelled run
  | 'SLIP39_SLOW_KDF'
  | 'KDF_CANCELLED'
  | 'FINGERPRINT_MISMATCH'
  // verifiable shares
  | 'VSS_SHARE_INVALID'
  | 'VSS_COMMITMENT'
  | 'VSS_NO_COMMITMENTS'
  | 'VSS_CIPHERSUITE'
  // envelopes, QR, transcript, policy, ceremony
  | 'ENVELOPE_FORMAT'
  | 'ENVELOPE_VERSION'
  | 'ENVELOPE_CHECKSUM'
  | 'ENVELOPE_TRUNCATED'
  | 'ENVELOPE_DECRYPT'
  | 'QR_INCOMPLETE'
  | 'QR_FORMAT'
  | 'QR_MISMATCH'
  | 'POLICY_INVALID'
  | 'CEREMONY_TRANSITION'
  | 'TRANSCRIPT_TAMPERED'
  | 'TRANSCRIPT_SIGNATURE'
  | 'TRANSCRIPT_FORMAT'
  // devices
  | 'HSM_PIN_INCORRECT'
  | 'HSM_PIN_LOCKED'
  | 'HSM_TOKEN_ABSENT'
  | 'HSM_TOKEN_FULL'
  | 'HSM_MODULE'
  | 'HSM_MECHANISM'
  | 'HSM_VERIFY'
  | 'HSM_SHARD_EXISTS'
  | 'HSM_OBJECT_NOT_FOUND'
  | 'USB_NO_SPACE'
  | 'USB_REMOVED'
  | 'USB_READ_ONLY'
  | 'USB_VERIFY'
  | 'USB_FOREIGN_SHARD'
  | 'AIRGAP_NETWORK_UP'
  // ceremony service (main process)
  | 'CONFIRM_MISMATCH'
  | 'WITNESS_KEY'
  | 'WITNESS_NOT_ELIGIBLE'
  // a witness sign-off needs the witness's own act each time: the key file's passphrase or the token's PIN
  // (WITNESS_ACT_NEEDED when missing, WITNESS_PASSPHRASE when wrong), and the checkpoint's fingerprint typed back
  // (WITNESS_FINGERPRINT); a witness key file must be encrypted (WITNESS_KEY_UNENCRYPTED)
  | 'WITNESS_ACT_NEEDED'
  | 'WITNESS_PASSPHRASE'
  | 'WITNESS_FINGERPRINT'
  | 'WITNESS_KEY_UNENCRYPTED'
  | 'SECRET_DESTROYED'
  // a deviation from the script (a failed confirmation) that must be recorded as an exception before the ceremony goes on
  | 'EXCEPTION_NEEDED'
  | 'CEREMONY_SECRET_LOST'
  | 'ENTROPY_SOURCE'
  | 'TRANSCRIPT_WRITE'
  | 'FOLDER_REFUSED'
  | 'TRANSCRIPT_READ'
  // recovery service (main process): a step asked for at the wrong time (export before finish, add after finish)
  | 'RECOVERY_STATE'
  // recovery trust (core/recovery-trust.ts): a typed final hash that is not the transcript's; a token import of a key
  // not verified against something held apart from the shards; a transcript that does not reach its seal
  | 'FINAL_HASH_MISMATCH'
  | 'RECOVERY_UNVERIFIED'
  | 'TRANSCRIPT_UNSEALED'
  // files main reads by a path from outside (electron/services/fs/guarded-read.ts): larger than what is read there,
  // not a regular file (a FIFO, a device, a folder), a link, or unreadable
  | 'FILE_TOO_LARGE'
  | 'FILE_NOT_REGULAR'
  | 'FILE_LINK'
  | 'FILE_READ'
  // an encrypted shard that decrypts (or decompresses) to more than the largest envelope keyshard writes
  | 'ENVELOPE_TOO_LARGE'
  // the command line's own input and output (electron/cli/files.ts, node-io.ts): standard input beyond its bound, a
  // file named that is not there, a full disk, a folder that cannot be written, a file that would be replaced, a
  // reader of the output that went away
  | 'INPUT_TOO_LARGE'
  | 'FILE_NOT_FOUND'
  | 'DISK_FULL'
  | 'FOLDER_NOT_WRITABLE'
  | 'FILE_EXISTS'
  // a path the screen sent that main's own file dialog did not give for that purpose (electron/ipc/chosen-files.ts)
  | 'FILE_NOT_CHOSEN'
  | 'FILE_WRITE'
  | 'OUTPUT_CLOSED'
  | 'OUTPUT_FAILED'
  // FROST signing without reconstruction (core/vss/sign.ts): a signer's nonces already used (a second round refused),
  // a commitment that is not this signer's current one or is seen twice, a signature share or signature that does not verify
  | 'FROST_NONCE_USED'
  | 'FROST_COMMITMENT'
  | 'FROST_SHARE_INVALID'
  | 'FROST_SIGNATURE'
  // custody checks (core/custody): a shard that is not the one the transcript recorded for its custodian, a shard of
  // another ceremony, a transcript that records nothing to check a shard against; extending a SLIP-39 group
  // (core/slip39/extend.ts) of a backup made without the extendable flag
  | 'CUSTODY_MISMATCH'
  // tamper-evident bags (core/bag-serial.ts): a serial that is not one (length, characters), a bag opened at recovery
  // or sealed at the receipt whose serial is not the one recorded for that shard, a recorded bag whose serial was not typed
  | 'BAG_SERIAL_INVALID'
  | 'BAG_SERIAL_MISMATCH'
  | 'BAG_SERIAL_NEEDED'
  // a key ceremony asked to go past a custodian's receipt (their next handoff, the test recovery) before it is recorded
  | 'RECEIPT_NEEDED'
  | 'CUSTODY_OTHER_CEREMONY'
  | 'CUSTODY_NOT_RECORDED'
  | 'SLIP39_NOT_EXTENDABLE'
  // IPC between the window and the main process
  | 'IPC_SENDER_REFUSED'
  | 'INTERNAL';

/** Non-secret facts that help a screen explain the error (e.g. which word index, how many shares are missing). */
export type ErrorDetails = Readonly<Record<string, unknown>>;

export class KeyshardError extends Error {
  readonly code: KeyshardErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: KeyshardErrorCode, message: string, details?: ErrorDetails) {
    super(message);
    this.name = 'KeyshardError';
    this.code = code;
    this.details = details;
  }

  toJSON(): { code: KeyshardErrorCode; message: string; details?: ErrorDetails } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isKeyshardError(e: unknown): e is KeyshardError {
  return e instanceof KeyshardError;
}

/** Throws INVALID_ARGUMENT unless cond holds. For public parameters only: the message must not carry secrets. */
export function ensure(cond: unknown, message: string, details?: ErrorDetails): asserts cond {
  if (!cond) throw new KeyshardError('INVALID_ARGUMENT', message, details);
}
