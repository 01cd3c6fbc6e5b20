/**
 * Extending a SLIP-39 backup (issue 17.2), step by step: a quorum of one group's custodians gives their shares, and
 * keyshard makes member shares of the same group for new custodians (extendable backups only), hands them over one
 * custodian at a time and has each typed back. The transcript cites the sealed key ceremony (its final hash) and
 * records each new share's public fingerprint (core/custody/fingerprint.ts), never a share, so a later custody check
 * can test it alone. Opening and closing steps read as refresh/repair's; the quorum step is SLIP-39's own.
 */
import { WITNESS_KEYS_STEP } from './common-steps';
import { LIFECYCLE_CLOSING, LIFECYCLE_ENTRIES, LIFECYCLE_OPENING } from './refresh';
import type { CeremonyKind } from './types';

const WITNESSES = ['internal-witness', 'external-witness'] as const;
const [, , AIRGAP_STEP] = LIFECYCLE_OPENING;

export const EXTEND_CEREMONY = {
  id: 'extend',
  title: 'Share extension',
  steps: [
    WITNESS_KEYS_STEP,
    {
      id: 'plan',
      screen: 'Start',
      paper: 'Read the plan and the key ceremony’s record',
      does: "The administrator reads the plan with everyone: which sealed SLIP-39 key ceremony it extends (its final hash), which group, and the new custodians with their member numbers. Starting records it.",
      readAloud: "The key ceremony's final hash, group by group, and each new custodian's name and member number.",
      actor: 'administrator',
      watchers: ['internal-witness', 'external-witness', 'custodian'],
      when: 'always',
      perCustodian: false,
      records: [{ kind: 'plan', transcript: 'Plan recorded, ceremony started', machine: true, checkpoint: 'the plan', hint: "Read the plan and the key ceremony's final hash with the witnesses, then start." }],
    },
    AIRGAP_STEP,
    {
      id: 'quorum',
      screen: 'Quorum shares',
      paper: 'Take in the group’s quorum',
      does: "Each custodian of the quorum types or scans their share of the group; keyshard checks its words, that it is of this backup and group, and that its fingerprint is one the key ceremony recorded, and keeps it in memory only.",
      readAloud: "Each custodian's name and their member number.",
      actor: 'custodian',
      watchers: ['administrator', 'internal-witness'],
      when: 'always',
      perCustodian: false,
      records: [{ kind: 'quorum-share', transcript: "A quorum member's share checked", machine: true, checkpoint: "a quorum member's share", hint: "Take in each quorum member's share of the group." }],
    },
    {
      id: 'extend',
      screen: 'New shares',
      paper: 'Make the new members’ shares',
      does: "keyshard checks that the quorum's shares fit together (the group digest) and makes a share for each new member of the same group: the same identifier and parameters, and any mix with the old shares gives the same secret.",
      readAloud: 'The new member numbers.',
      actor: 'administrator',
      watchers: WITNESSES,
      when: 'always',
      perCustodian: false,
      records: [{ kind: 'extend', transcript: 'New member shares made', machine: true, checkpoint: 'the new shares', signOff: true, hint: "Make the new members' shares." }],
    },
    {
      id: 'handoff',
      screen: 'Handoff & confirm',
      paper: 'Hand over and confirm a new share',
      does: 'The new custodian receives their share while the others look away, then proves they hold it by typing or scanning it back.',
      readAloud: 'The custodian’s name and the start of their share’s fingerprint.',
      actor: 'custodian',
      watchers: ['administrator', 'internal-witness'],
      when: 'always',
      perCustodian: true,
      records: [
        { kind: 'handoff', transcript: 'Shard handed over', machine: true, checkpoint: 'a handoff' },
        { kind: 'confirm', transcript: 'Custodian confirmed their shard', machine: true, checkpoint: 'a confirmation', signOff: true },
      ],
    },
    ...LIFECYCLE_CLOSING,
  ],
  entries: LIFECYCLE_ENTRIES,
} as const satisfies CeremonyKind;
