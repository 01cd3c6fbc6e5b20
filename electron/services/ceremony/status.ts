/**
 * What the service tells the screens about where the ceremony stands: derived from the session alone (core's next
 * actions, the lost-secret and entropy-needed flags), so every response carries the same view.
 */
import { nextActions } from '../../../core/ceremony';
import { KEY_CEREMONY, turnsDone } from '../../../core/ceremony-kinds';
import { confirmOf, fingerprintView, type Session } from './steps/session';
import { receiptsOf } from './steps/receipt';
import { absentCustodians } from './steps/absent';
import type { CeremonyPhase, CeremonyStatus } from './types';

export function phaseOf(c: Session | null): CeremonyPhase {
  if (c === null) return 'not-started';
  if (c.lost !== null) return c.lost;
  return c.state.status;
}

export function messageOf(c: Session | null): string {
  if (c === null) return 'No ceremony is running. Start one from a plan, or resume one from its transcript.';
  const names = c.state.handedOff.map((id) => c.plan.custodians.find((x) => x.id === id)?.name ?? id);
  switch (phaseOf(c)) {
    case 'secret-lost-after-handoff':
      return (
        `keyshard stopped after the secret was made and shards were handed out, and the secret was only in memory, so it is gone. ` +
        `${names.join(', ')} already hold${names.length === 1 ? 's' : ''} a shard of it. This ceremony cannot be completed: abort it, ` +
        'have those shards destroyed or set aside as incomplete, and run a new ceremony.'
      );
    case 'secret-lost':
      return 'keyshard stopped after the secret was made, and the secret was only in memory, so it is gone. No shard was handed out. Abort this ceremony and run a new one.';
    case 'sealed':
      return 'The ceremony is sealed. Write the final hash on the paper record.';
    case 'aborted':
      return 'The ceremony was aborted; every secret in memory was zeroized.';
    default: {
      if (c.entropyNeeded !== null) {
        return `The ceremony was resumed after its entropy step; the entropy was only in memory. Give the same sources again (${c.entropyNeeded.join(', ')}) to generate.`;
      }
      const next = nextActions(c.state)[0];
      return next === undefined ? 'Nothing to do.' : next.hint;
    }
  }
}

/** `idlePath`: where a ceremony's transcript would be written when none is running. */
export function statusOf(c: Session | null, idlePath: () => string): CeremonyStatus {
  if (c === null) {
    return {
      phase: 'not-started',
      message: messageOf(null),
      ceremonyId: null,
      label: null,
      scheme: null,
      lastStep: null,
      next: [],
      fingerprint: null,
      airgap: null,
      handedOff: [],
      confirmed: [],
      awaitingConfirmation: null,
      signOff: null,
      custodiansHoldingShards: [],
      receipts: [],
      turnsDone: [],
      lastStepFailed: false,
      entropyNeeded: null,
      transcript: { path: idlePath(), entries: 0, headHash: null },
    };
  }
  const s = c.state;
  const lost = c.lost !== null;
  const next = nextActions(s)
    .filter((a) => !lost || a.step === 'abort')
    .map((a) => ({
      step: a.step,
      ...(a.custodianId === undefined ? {} : { custodianId: a.custodianId }),
      ...(a.checkpoint === undefined ? {} : { checkpoint: a.checkpoint }),
      ...(a.witnessIds === undefined ? {} : { witnessIds: [...a.witnessIds] }),
      hint: a.hint,
    }));
  const head = c.transcript.entries[c.transcript.entries.length - 1];
  return {
    phase: phaseOf(c),
    message: messageOf(c),
    ceremonyId: c.ceremonyIdHex,
    label: c.plan.label,
    scheme: c.plan.scheme.type,
    lastStep: s.lastStep,
    next,
    fingerprint: s.fingerprint === null ? null : fingerprintView(s.fingerprint),
    airgap: s.airgap,
    handedOff: [...s.handedOff],
    confirmed: [...s.confirmed],
    awaitingConfirmation: s.awaitingConfirmation,
    signOff:
      s.signOff === null
        ? null
        : {
            checkpoint: s.signOff.checkpoint,
            custodianId: s.signOff.custodianId,
            eligible: [...s.signOff.eligible],
            required: s.signOff.required,
            signedBy: [...s.signOff.signedBy],
            confirm: (({ kind, hex }) => ({ kind, display: fingerprintView(hex).display }))(confirmOf(c)),
          },
    exceptionNeeded: c.deviation === null ? null : { ...c.deviation },
    absent: absentCustodians(c),
    custodiansHoldingShards: [...s.handedOff],
    receipts: receiptsOf(c),
    turnsDone: turnsDone(KEY_CEREMONY, c.transcript.entries),
    lastStepFailed: s.lastStepFailed,
    entropyNeeded: c.entropyNeeded === null ? null : [...c.entropyNeeded],
    transcript: { path: c.store.transcriptPath, entries: c.transcript.entries.length, headHash: head?.hash ?? null },
    ...(c.tokens.size === 0 ? {} : { tokens: [...c.tokens.values()].map((b) => ({ custodianId: b.custodianId, tokenLabel: b.label, tokenSerial: b.serial })) }),
    ...(c.entropyToken === null ? {} : { entropyToken: { tokenLabel: c.entropyToken.label, tokenSerial: c.entropyToken.serial } }),
  };
}
