/**
 * Steps and entries that read the same in every ceremony kind, written once: loading the witnesses' keys, and the
 * witness sign-off entries. Each kind's catalogue spreads them in; a kind whose words differ (the custody check has
 * one witness) writes its own.
 */

/** Each witness loads their own signing key before anything is recorded. */
export const WITNESS_KEYS_STEP = {
  id: 'witness-keys',
  screen: 'Witness keys',
  paper: 'Load the witnesses’ signing keys',
  does: 'Each witness loads their own signing key (key file and passphrase, or token and PIN).',
  readAloud: "The start of each witness's public key.",
  actor: 'internal-witness',
  watchers: ['administrator', 'external-witness'],
  when: 'witnesses',
  perCustodian: false,
  records: [],
} as const;

/** A witness's sign-off of a checkpoint, and the signature over it: every kind's transcripts hold both. */
export const SIGN_OFF_ENTRIES = [
  { kind: 'sign-off', transcript: 'Witness sign-off', machine: false },
  { kind: 'signoff', transcript: 'Witness signature', machine: false },
] as const;
