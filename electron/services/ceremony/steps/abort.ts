/**
 * Abort, at any step: every secret is zeroized first, then the abort is recorded (only for an active ceremony; an
 * ended or never-started one just reports its status). A secret-lost ceremony ends here.
 */
import type { AbortRequest, CeremonyStatus } from '../types';
import type { StepKit } from './kit';
import type { Session } from './session';

export type AbortKit = Pick<StepKit, 'record' | 'status' | 'wipe'>;

export async function abort(kit: AbortKit, c: Session | null, request: AbortRequest): Promise<CeremonyStatus> {
  kit.wipe(c);
  if (c === null || c.state.status !== 'active') return kit.status(c);
  await kit.record(c, { step: 'abort', reason: request.reason, ...(request.witnessId === undefined ? {} : { witnessId: request.witnessId }) });
  c.lost = null;
  c.entropyNeeded = null;
  return kit.status(c);
}
