/** Step: destroy. The master secret and every shard buffer are zeroized before the step is recorded. */
import { KeyshardError } from '../../../../core/errors';
import type { DestroyRequest, DestroyResponse } from '../types';
import type { StepKit } from './kit';
import { expectStep, type Session } from './session';

/** What the destroy step records (names, never values). */
const DESTROYED_ITEMS = ['master-secret', 'shard-buffers'];

export type DestroyKit = Pick<StepKit, 'record' | 'status' | 'wipe'>;

export async function destroy(kit: DestroyKit, c: Session, request: DestroyRequest): Promise<DestroyResponse> {
  expectStep(c, 'destroy');
  // Typed callers always pass it; this guards a caller that forgot (or a page that skipped the confirmation).
  if ((request as Partial<DestroyRequest> | undefined)?.confirmed !== true) {
    throw new KeyshardError(
      'INVALID_ARGUMENT',
      'Destroying the secret needs an explicit confirmation: on the Destroy screen, tick that you understand only the custodians\' shards will be left, then destroy.',
    );
  }
  const buffers = kit.wipe(c);
  await kit.record(c, { step: 'destroy', items: [...DESTROYED_ITEMS] });
  return { items: [...DESTROYED_ITEMS], buffers, status: kit.status(c) };
}
