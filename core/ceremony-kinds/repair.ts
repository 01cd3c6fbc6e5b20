/**
 * Repairing a lost verifiable share (issue 17.4), step by step: a quorum of helpers rebuilds one custodian's share
 * of a sealed key ceremony's FROST key without the key being assembled (repairable threshold scheme), and keyshard
 * checks the result against the commitments before anyone receives it. The transcript cites the key ceremony in its
 * plan and records the repaired identifier with its check.
 */
import { LIFECYCLE_CLOSING, LIFECYCLE_ENTRIES, LIFECYCLE_OPENING } from './refresh';
import type { CeremonyKind } from './types';

export const REPAIR_CEREMONY = {
  id: 'repair',
  title: 'Share repair',
  steps: [
    ...LIFECYCLE_OPENING,
    {
      id: 'repair',
      screen: 'Repair',
      paper: 'Repair the lost share',
      does: "keyshard rebuilds the lost share from the helpers' shares without assembling the key, and checks it against the key ceremony's commitments.",
      readAloud: "The repaired share's identifier and that it matches the commitments.",
      actor: 'administrator',
      watchers: ['internal-witness', 'external-witness'],
      when: 'always',
      perCustodian: false,
      records: [
        {
          kind: 'repair',
          transcript: 'Lost share repaired and checked',
          machine: true,
          checkpoint: 'the repaired share',
          signOff: true,
          hint: 'Repair the lost share and check it against the commitments.',
        },
      ],
    },
    {
      id: 'handoff',
      screen: 'Handoff & confirm',
      paper: 'Hand over and confirm the repaired share',
      does: 'The custodian whose share was lost receives the repaired one while the others look away, then proves they hold it (types or scans it back, or unlocks their token).',
      readAloud: 'The custodian’s name and how the share was checked.',
      actor: 'custodian',
      watchers: ['administrator', 'internal-witness'],
      when: 'always',
      perCustodian: false,
      records: [
        { kind: 'handoff', transcript: 'Shard handed over', machine: true, checkpoint: 'a handoff' },
        { kind: 'confirm', transcript: 'Custodian confirmed their shard', machine: true, checkpoint: 'a confirmation', signOff: true },
      ],
    },
    ...LIFECYCLE_CLOSING,
  ],
  entries: LIFECYCLE_ENTRIES,
} as const satisfies CeremonyKind;
