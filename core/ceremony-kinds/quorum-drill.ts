/**
 * The quorum drill as a ceremony kind (issue 17.1): a rehearsal of recovery years after a key ceremony. A quorum's
 * shards are combined in memory, only the key's public fingerprint is shown and compared with the one the key
 * ceremony recorded, and the key is wiped; a witness signs the result. Like the custody check, it is a transcript of its
 * own that cites the key ceremony's final hash (a sealed transcript takes no more entries).
 */
import { SIGN_OFF_ENTRIES, WITNESS_KEYS_STEP } from './common-steps';
import type { CeremonyKind } from './types';

export const QUORUM_DRILL_CEREMONY = {
  id: 'quorum-drill',
  title: 'Quorum drill',
  steps: [
    WITNESS_KEYS_STEP,
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
      records: [{ kind: 'plan', transcript: 'Quorum drill started: key ceremony cited', machine: true, checkpoint: 'the key ceremony cited', hint: "Load the key ceremony's transcript and type its final hash." }],
    },
    {
      id: 'drill',
      screen: 'Rebuild and compare',
      paper: 'Rebuild the key in memory and compare its fingerprint',
      does: "The quorum's shards are combined in memory; keyshard shows only the key's public fingerprint beside the one the key ceremony recorded, and wipes the key and the shards.",
      readAloud: 'Both fingerprints, group by group, and whether they match.',
      actor: 'custodian',
      watchers: ['administrator', 'internal-witness'],
      when: 'always',
      perCustodian: false,
      records: [{ kind: 'quorum-drill', transcript: "Quorum rebuilt the key's fingerprint; key wiped", machine: true, checkpoint: 'the drill result', signOff: true, hint: "Combine the quorum's shards and compare the fingerprint." }],
    },
    {
      id: 'seal',
      screen: 'Seal',
      paper: 'Seal the drill',
      does: 'The transcript is sealed; the custodians and the witness write down its final hash.',
      readAloud: 'The final hash, group by group.',
      actor: 'administrator',
      watchers: ['internal-witness', 'custodian'],
      when: 'always',
      perCustodian: false,
      records: [{ kind: 'seal', transcript: 'Transcript sealed', machine: true, checkpoint: 'the seal', signOff: true, hint: 'Seal the drill.' }],
    },
  ],
  entries: [...SIGN_OFF_ENTRIES, { kind: 'abort', transcript: 'Quorum drill aborted', machine: false }],
} as const satisfies CeremonyKind;
