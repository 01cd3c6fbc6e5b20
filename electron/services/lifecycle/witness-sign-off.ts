/**
 * One witness sign-off in a lifecycle-style service (refresh, repair, extend): the loaded witness's key is opened with
 * their act for this one signature (passphrase or PIN), used, and closed again whatever happens.
 */
import { KeyshardError } from '../../../core/errors';
import type { WitnessRegistry } from '../ceremony/witness-registry';
import type { WitnessSigner } from '../../../core/transcript';
import type { LifecycleSignOffRequest } from './types';

export async function withWitnessSigner(witnesses: WitnessRegistry, request: LifecycleSignOffRequest, use: (signer: WitnessSigner) => Promise<void>): Promise<void> {
  const w = witnesses.get(request.witnessId);
  if (w === undefined) throw new KeyshardError('WITNESS_KEY', `The key of witness "${request.witnessId.slice(0, 64)}" is not loaded. Load their key file first.`, { witnessId: request.witnessId });
  const act = { ...(request.passphrase === undefined ? {} : { passphrase: request.passphrase }), ...(request.pin === undefined ? {} : { pin: request.pin }) };
  const opened = await w.open(act, request.witnessId);
  try {
    await use(opened.signer);
  } finally {
    await opened.close();
  }
}
