/** Step: seal. Recorded once the plan's sign-offs allow it; the ceremony is sealed when core says so. */
import type { SealResponse } from '../types';
import type { StepKit } from './kit';
import { expectStep, type Session } from './session';

export type SealKit = Pick<StepKit, 'record' | 'status'>;

export async function seal(kit: SealKit, c: Session): Promise<SealResponse> {
  expectStep(c, 'seal');
  await kit.record(c, { step: 'seal' });
  const head = c.transcript.entries[c.transcript.entries.length - 1]!;
  return { sealed: c.state.status === 'sealed', headHash: head.hash, status: kit.status(c) };
}
