/**
 * Printing a custodian's paper backup. The page asks main before each print (ceremony:print-paper): the first print
 * of a shown shard is part of its handoff; a second one makes another paper copy of the shard (the one printed first
 * may still exist), so it is a repeated handoff and waits for a step-repeated exception like a USB or token rewrite.
 * Main never sees the printer: it records what the page asks for, not how many copies the print dialog made.
 */
import { KeyshardError } from '../../../../core/errors';
import type { CeremonyStatus, PrintPaperRequest } from '../types';
import type { StepKit } from './kit';
import { expectRepeatCleared } from './exception';
import { custodianOf, type Session } from './session';

export type PrintKit = Pick<StepKit, 'status'>;

export async function printPaper(kit: PrintKit, c: Session, request: PrintPaperRequest): Promise<CeremonyStatus> {
  const custodian = custodianOf(c, request.custodianId);
  // Only the shard on screen now can be printed: the custodian awaiting confirmation, shown in this session.
  const shown = c.state.awaitingConfirmation === custodian.id && c.delivered?.view.custodianId === custodian.id && c.delivered.view.shards.length > 0;
  if (!shown) {
    throw new KeyshardError('CEREMONY_TRANSITION', `${custodian.name}'s shard is not on screen now, so there is nothing to print. Show their shard first (before they confirm it).`, {
      custodianId: custodian.id,
    });
  }
  if (c.printed.has(custodian.id)) {
    expectRepeatCleared(
      c,
      'handoff',
      custodian.id,
      `Printing ${custodian.name}'s paper backup again repeats the handoff: the paper printed first may still exist.`,
    );
    // The exception allowed this one print: used up now.
    c.repeatCleared = null;
  }
  c.printed.add(custodian.id);
  return kit.status(c);
}
