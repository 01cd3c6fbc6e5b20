/**
 * The custody check as a ceremony kind: years after a key ceremony, one custodian's shard is checked against that
 * ceremony's public record (its verified transcript: commitments, or the shard fingerprint recorded at handoff) with
 * no other shard and no key rebuilt (core/custody). A witness signs the receipt. The sealed key-ceremony transcript
 * cannot be appended to, so the check is a transcript of its own that cites the key ceremony's final hash.
 */
import { SIGN_OFF_ENTRIES } from './common-steps';
import type { CeremonyKind } from './types';

export const CUSTODY_CHECK_CEREMONY = {
  id: 'custody-check',
  title: 'Custody check',
  steps: [
    {
      id: 'witness-keys',
      screen: 'Witness key',
      paper: 'Load the witness’s signing key',
      does: 'The witness loads their own signing key (key file and passphrase, or token and PIN).',
      readAloud: "The start of the witness's public key.",
      actor: 'internal-witness',
      watchers: ['administrator', 'custodian'],
      when: 'witnesses',
      perCustodian: false,
      records: [],
    },
    {
      id: 'plan',
      screen: 'Key ceremony',
      paper: 'Load the key ceremony’s record',
      does: "The administrator loads the key ceremony's transcript and types its final hash from the paper record.",
      readAloud: "The key ceremony's final hash, group by group.",
      actor: 'administrator',
      watchers: ['internal-witness', 'custodian'],
      when: 'always',
      perCustodian: false,
      records: [{ kind: 'plan', transcript: 'Custody check started: key ceremony cited', machine: true, checkpoint: 'the key ceremony cited', hint: "Load the key ceremony's transcript and type its final hash." }],
    },
    {
      id: 'check',
      screen: 'Check the shard',
      paper: 'Check the custodian’s shard',
      does: "The custodian gives their shard (file, QR, words or token); keyshard checks it against the record alone and wipes it. No other shard is needed and the key is not rebuilt.",
      readAloud: "The shard's fingerprint and the result.",
      actor: 'custodian',
      watchers: ['administrator', 'internal-witness'],
      when: 'always',
      perCustodian: false,
      records: [
        {
          kind: 'custody-check',
          transcript: 'Shard checked against the record',
          machine: true,
          checkpoint: 'the custody check',
          signOff: true,
          hint: "Check the custodian's shard against the key ceremony's record.",
        },
        { kind: 'custody-receipt', transcript: 'Receipt signed by a witness', machine: true },
      ],
    },
    {
      id: 'seal',
      screen: 'Seal',
      paper: 'Seal the receipt',
      does: 'The transcript is sealed; the custodian and the witness write down its final hash.',
      readAloud: 'The final hash, group by group.',
      actor: 'administrator',
      watchers: ['internal-witness', 'custodian'],
      when: 'always',
      perCustodian: false,
      records: [{ kind: 'seal', transcript: 'Transcript sealed', machine: true, checkpoint: 'the seal', signOff: true, hint: 'Seal the custody check.' }],
    },
  ],
  entries: [
    ...SIGN_OFF_ENTRIES,
    { kind: 'abort', transcript: 'Custody check aborted', machine: false },
  ],
} as const satisfies CeremonyKind;
