/**
 * Step: receipt (catalogue step 'receipt', done in turns with the handoff). After a custodian confirmed their shard,
 * they put it (paper, drive or token) in its tamper-evident bag and seal it while a witness watches; the serial is
 * typed again from the sealed bag and must be the one recorded at the handoff (a typo is refused, nothing recorded,
 * and can be typed again). The transcript gets a `receipt` entry beside the steps: it changes no state in core.
 */
import { checkBagSerial } from '../../../../core/bag-serial';
import { KeyshardError } from '../../../../core/errors';
import type { CeremonyStatus, ReceiptRequest } from '../types';
import type { StepKit } from './kit';
import { custodianOf, nameOf, transition, type Session } from './session';

export type ReceiptKit = Pick<StepKit, 'recordEntry' | 'status'>;

/** The receipt entry kind: not a step of core's state machine (resume leaves it out of the replay). */
export const RECEIPT_KIND = 'receipt';

/** The bag serial the handoff recorded for this custodian, or null (no bag, or a transcript from before bags). */
export function handoffBagSerial(c: Session, custodianId: string): string | null {
  const v = c.state.records.find((r) => r.step === 'handoff' && r.data['custodianId'] === custodianId)?.data['bagSerial'];
  return typeof v === 'string' ? v : null;
}

/** Whether this custodian's receipt is in the transcript. */
export function hasReceipt(c: Session, custodianId: string): boolean {
  return c.transcript.entries.some((e) => e.kind === RECEIPT_KIND && (e.data as { custodianId?: unknown }).custodianId === custodianId);
}

/**
 * Custodians recorded absent at their receipt (a custodian-absent exception under the receipt step): they left with
 * their shard before it was sealed, so the ceremony may go on without their receipt (the script says so in words).
 */
export function absentAtReceipt(c: Session): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of c.transcript.entries) {
    const d = e.data as { deviation?: unknown; stepId?: unknown; custodianId?: unknown };
    if (e.kind === 'exception' && d.deviation === 'custodian-absent' && d.stepId === 'receipt' && typeof d.custodianId === 'string' && !out.has(d.custodianId)) out.set(d.custodianId, e.seq);
  }
  return out;
}

/** Confirmed custodians whose receipt is neither recorded nor excused by an absence recorded at the receipt. */
export function receiptsMissing(c: Session): string[] {
  const excused = absentAtReceipt(c);
  return c.state.confirmed.filter((id) => !hasReceipt(c, id) && !excused.has(id));
}

/**
 * Refuses to go past a custodian's receipt (the next handoff, the test recovery) while it is missing: a receipt is a
 * step of the script, not an option. `what` names the refused step: "Bob Keller's handoff".
 */
export function expectReceipts(c: Session, what: string): void {
  const missing = receiptsMissing(c);
  if (missing.length === 0) return;
  const names = missing.map((id) => nameOf(c, id));
  const first = names[0]!;
  throw new KeyshardError(
    'RECEIPT_NEEDED',
    `${what} cannot start before ${names.join(' and ')}'s receipt is recorded. Record ${first}'s receipt (their shard sealed in its bag, the serial typed again); if ${first} has left, a witness records them absent at the receipt.`,
    { custodianIds: missing },
  );
}

/** Each custodian handed a shard: the bag recorded for it and whether its receipt is recorded (for the screens). */
export function receiptsOf(c: Session): CeremonyStatus['receipts'] {
  const absent = absentAtReceipt(c);
  return c.state.handedOff.map((id) => ({
    custodianId: id,
    bagSerial: handoffBagSerial(c, id),
    received: hasReceipt(c, id),
    ...(absent.has(id) ? { absentSeq: absent.get(id)! } : {}),
  }));
}

export async function receipt(kit: ReceiptKit, c: Session, request: ReceiptRequest): Promise<CeremonyStatus> {
  const custodian = custodianOf(c, request.custodianId);
  if (!c.state.confirmed.includes(custodian.id)) {
    throw transition(`${custodian.name} has not confirmed their shard yet; the receipt comes after the confirmation.`, { custodianId: custodian.id });
  }
  if (hasReceipt(c, custodian.id)) {
    throw transition(`${custodian.name}'s receipt is already recorded; nothing changed.`, { custodianId: custodian.id });
  }
  const recorded = handoffBagSerial(c, custodian.id);
  const typed = request.bagSerial?.trim() ?? '';
  if (recorded !== null && typed === '') {
    throw new KeyshardError('BAG_SERIAL_NEEDED', `${custodian.name}'s shard was recorded for a bag at the handoff. Type the serial from the sealed bag, read aloud, and record the receipt again.`, {
      custodianId: custodian.id,
    });
  }
  if (recorded === null && typed !== '') {
    throw new KeyshardError('BAG_SERIAL_MISMATCH', `No bag was recorded for ${custodian.name} at the handoff, so a serial cannot be checked now. Leave the serial empty and record the receipt.`, {
      custodianId: custodian.id,
    });
  }
  const bagSerial = recorded === null ? null : checkBagSerial(recorded, typed, `${custodian.name}'s bag`);
  await kit.recordEntry(c, RECEIPT_KIND, { custodianId: custodian.id, ...(bagSerial === null ? {} : { bagSerial }), sealed: bagSerial !== null });
  return kit.status(c);
}
