/**
 * Threshold signing (FROST, RFC 9591) as a ceremony kind: a quorum of custodians signs one message with their shares
 * of a key ceremony's key, on their own laptops, and the key is never reassembled. The coordinator shows the message
 * and its hash read aloud, collects each signer's commitment QR, shows the request QR, collects each signature-share
 * QR, aggregates and verifies the signature under the group key; witnesses sign off. The transcript cites the key
 * ceremony (its final hash and group key) and records the message hash, the signer set, the commitments and the
 * signature; never a nonce or a share. Record kinds are what signing transcripts hold: keep them stable.
 */
import { SIGN_OFF_ENTRIES, WITNESS_KEYS_STEP } from './common-steps';
import type { CeremonyKind } from './types';

const WITNESSES = ['internal-witness', 'external-witness'] as const;

export const SIGNING_CEREMONY = {
  id: 'signing',
  title: 'Threshold signature',
  steps: [
    WITNESS_KEYS_STEP,
    {
      id: 'plan',
      screen: 'Message',
      paper: 'Read the message and start the signing',
      does: "The coordinator loads the key ceremony's transcript and the message; everyone reads the message and its hash before anyone signs.",
      readAloud: "The message's hash, group by group, and the key's fingerprint.",
      actor: 'administrator',
      watchers: ['internal-witness', 'external-witness', 'custodian'],
      when: 'always',
      perCustodian: false,
      records: [
        {
          kind: 'plan',
          transcript: 'Signing started: key and message recorded',
          machine: true,
          checkpoint: 'the message to sign',
          signOff: true,
          hint: "Load the key ceremony's transcript and the message, and read the message's hash aloud.",
        },
      ],
    },
    {
      id: 'commit',
      screen: 'Commitments',
      paper: 'Collect each signer’s commitment',
      does: "Each signer loads their own share on their laptop, which shows a commitment code; the coordinator scans it. The commitment is public; the nonces behind it stay on the signer's laptop and are used once.",
      readAloud: 'The signer’s name and the start of their commitment.',
      actor: 'custodian',
      watchers: ['administrator', 'internal-witness'],
      when: 'always',
      perCustodian: true,
      records: [{ kind: 'commitment', transcript: 'Signer’s commitment received', machine: true, checkpoint: 'a commitment' }],
    },
    {
      id: 'request',
      screen: 'Request',
      paper: 'Show the signing request',
      does: 'The coordinator fixes the signer set and shows the request code: the message and every commitment. Each signer scans it and reads the message hash on their own screen.',
      readAloud: "The message's hash again, on each signer's laptop.",
      actor: 'administrator',
      watchers: ['internal-witness', 'custodian'],
      when: 'always',
      perCustodian: false,
      records: [{ kind: 'signing-request', transcript: 'Signing request made', machine: true, checkpoint: 'the signing request', hint: 'Fix the signers and show the request code to each of them.' }],
    },
    {
      id: 'sign-share',
      screen: 'Signature shares',
      paper: 'Collect each signer’s signature share',
      does: "Each signer's laptop signs the request once (its nonces are then erased) and shows a signature-share code; the coordinator scans and checks it.",
      readAloud: 'The signer’s name and whether their share checked.',
      actor: 'custodian',
      watchers: ['administrator', 'internal-witness'],
      when: 'always',
      perCustodian: true,
      records: [{ kind: 'signature-share', transcript: 'Signature share received and checked', machine: true, checkpoint: 'a signature share' }],
    },
    {
      id: 'aggregate',
      screen: 'Signature',
      paper: 'Combine and verify the signature',
      does: 'keyshard combines the signature shares and verifies the signature under the group public key with a plain verifier.',
      readAloud: 'The start of the signature and the verdict.',
      actor: 'administrator',
      watchers: WITNESSES,
      when: 'always',
      perCustodian: false,
      records: [
        {
          kind: 'signature',
          transcript: 'Signature combined and verified',
          machine: true,
          checkpoint: 'the signature',
          signOff: true,
          hint: 'Combine the signature shares and verify the signature.',
        },
      ],
    },
    {
      id: 'seal',
      screen: 'Seal',
      paper: 'Seal the transcript',
      does: 'The transcript is sealed; everyone writes down its final hash.',
      readAloud: 'The final hash of the transcript, group by group.',
      actor: 'administrator',
      watchers: ['internal-witness', 'external-witness', 'custodian'],
      when: 'always',
      perCustodian: false,
      records: [{ kind: 'seal', transcript: 'Transcript sealed', machine: true, checkpoint: 'the seal', signOff: true, hint: 'Seal the signing transcript.' }],
    },
  ],
  entries: [
    ...SIGN_OFF_ENTRIES,
    { kind: 'abort', transcript: 'Signing aborted', machine: false },
  ],
} as const satisfies CeremonyKind;
