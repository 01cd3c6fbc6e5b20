/**
 * Refreshing verifiable shares (issue 17.3), step by step: a quorum's shares of a sealed key ceremony's FROST key
 * become new shares of the same key, so that every old shard (a lost or stolen one too) is useless; a re-share also
 * changes the threshold or the custodians. The group key does not change. Its transcript cites the key ceremony
 * (final hash, group key, commitments) in its plan and records the new commitments; witnesses sign off as in the key
 * ceremony. Record kinds shared with the key ceremony keep its words (plan, airgap-check, handoff, confirm, destroy,
 * seal).
 */
import { SIGN_OFF_ENTRIES, WITNESS_KEYS_STEP } from './common-steps';
import type { CeremonyKind } from './types';

const WITNESSES = ['internal-witness', 'external-witness'] as const;

/** Steps both share-maintenance kinds have: the witnesses' keys, the plan, the air gap, the quorum's shares. */
export const LIFECYCLE_OPENING = [
  WITNESS_KEYS_STEP,
  {
    id: 'plan',
    screen: 'Start',
    paper: 'Read the plan and the key ceremony’s record',
    does: "The administrator reads the plan with everyone: which sealed key ceremony's key it works on (its final hash and group key fingerprint), who gives a share and who receives one. Starting records it.",
    readAloud: "The key ceremony's final hash and the group key's fingerprint, group by group.",
    actor: 'administrator',
    watchers: ['internal-witness', 'external-witness', 'custodian'],
    when: 'always',
    perCustodian: false,
    records: [
      {
        kind: 'plan',
        transcript: 'Plan recorded, ceremony started',
        machine: true,
        checkpoint: 'the plan',
        hint: "Read the plan and the key ceremony's final hash with the witnesses, then start.",
      },
    ],
  },
  {
    id: 'airgap',
    screen: 'Air-gap check',
    paper: 'Check the air gap',
    does: 'keyshard lists the network interfaces: only loopback may be up. If one is up, take it down and check again, or a witness overrides with a reason.',
    readAloud: 'The result: no network, or the interfaces found up.',
    actor: 'administrator',
    watchers: WITNESSES,
    when: 'always',
    perCustodian: false,
    records: [
      {
        kind: 'airgap-check',
        transcript: 'Air-gap check',
        machine: true,
        checkpoint: 'the air-gap check',
        signOff: true,
        hint: 'Check the air gap: no network interface other than loopback may be up.',
      },
    ],
  },
  {
    id: 'quorum',
    screen: 'Quorum shares',
    paper: 'Take in the quorum’s shares',
    does: "Each custodian of the quorum gives their current share (scanned, typed, from a USB drive or their token); keyshard checks each against the key ceremony's commitments and keeps it in memory only.",
    readAloud: "Each custodian's name and that their share matches the commitments.",
    actor: 'custodian',
    watchers: ['administrator', 'internal-witness'],
    when: 'always',
    perCustodian: false,
    records: [
      {
        kind: 'quorum-share',
        transcript: "A quorum member's share checked",
        machine: true,
        checkpoint: "a quorum member's share",
        hint: "Take in each quorum member's share and check it against the commitments.",
      },
    ],
  },
] as const;

/** The end both kinds share: keyshard wipes what it held, then the transcript is sealed. */
export const LIFECYCLE_CLOSING = [
  {
    id: 'destroy',
    screen: 'Wipe',
    paper: 'Wipe the shares from memory',
    does: "keyshard wipes every share it held (the quorum's and the new ones) from this machine's memory.",
    readAloud: null,
    actor: 'administrator',
    watchers: WITNESSES,
    when: 'always',
    perCustodian: false,
    records: [
      {
        kind: 'destroy',
        transcript: 'Secret destroyed in memory',
        machine: true,
        checkpoint: 'the destruction of the secret',
        signOff: true,
        hint: "Wipe every share from this machine's memory.",
      },
    ],
  },
  {
    id: 'seal',
    screen: 'Seal',
    paper: 'Seal the transcript',
    does: 'The transcript is sealed; everyone writes down its final hash and signs the paper record.',
    readAloud: 'The final hash of the transcript, group by group.',
    actor: 'administrator',
    watchers: ['internal-witness', 'external-witness', 'custodian'],
    when: 'always',
    perCustodian: false,
    records: [{ kind: 'seal', transcript: 'Transcript sealed', machine: true, checkpoint: 'the seal', signOff: true, hint: 'Seal the transcript.' }],
  },
] as const;

export const LIFECYCLE_ENTRIES = [
  ...SIGN_OFF_ENTRIES,
  { kind: 'abort', transcript: 'Ceremony aborted', machine: false },
] as const;

export const REFRESH_CEREMONY = {
  id: 'refresh',
  title: 'Share refresh',
  steps: [
    ...LIFECYCLE_OPENING,
    {
      id: 'refresh',
      screen: 'New shares',
      paper: 'Make the new shares',
      does: 'keyshard makes new shares of the same key from the quorum’s (a refresh adds a random polynomial with a zero constant term; a re-share re-deals to the new threshold and custodians) and shows the new commitments. The group key does not change.',
      readAloud: "The group key's fingerprint: it must be the key ceremony's.",
      actor: 'administrator',
      watchers: WITNESSES,
      when: 'always',
      perCustodian: false,
      records: [
        {
          kind: 'refresh',
          transcript: 'New shares made, group key unchanged',
          machine: true,
          checkpoint: 'the new commitments',
          signOff: true,
          hint: "Make the new shares and read the group key's fingerprint aloud.",
        },
      ],
    },
    {
      id: 'handoff',
      screen: 'Handoff & confirm',
      paper: 'Hand over and confirm a new share',
      does: 'The custodian receives their new share while the others look away, then proves they hold it (types or scans it back, or unlocks their token). They destroy their old share.',
      readAloud: 'The custodian’s name and how the share was checked.',
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
