/**
 * A witness's sign-off of the open checkpoint. Who may sign, then what they typed (the checkpoint's fingerprint), then
 * their act (passphrase or PIN): nothing is unlocked for a sign-off that would be refused anyway. The service writes
 * the `sign-off` record and the witness's `signoff` entry (a signature over the checkpoint entry, and with it the
 * chain up to it) together.
 */
import { KeyshardError } from '../../../../core/errors';
import type { WitnessSigner } from '../../../../core/transcript';
import { checkWitnessKey, checkWitnessSigner, signAndVerify } from '../../witness/index';
import { checkFingerprintTyped, type OpenedWitness } from '../../witness/credential';
import type { SignOffRequest, SignOffResponse } from '../types';
import type { StepKit } from './kit';
import { confirmOf, nameOf, pinnedKeys, type Session } from './session';

export type SignOffKit = Pick<StepKit, 'witnesses' | 'recordSigned' | 'status'>;

/** Signs with a signer the caller already holds (main process only, not over IPC; the app goes through signOff). */
export async function signOffWith(kit: SignOffKit, c: Session, signer: WitnessSigner): Promise<SignOffResponse> {
  const so = c.state.signOff;
  checkWitnessSigner(signer, pinnedKeys(c), so, (id) => nameOf(c, id));
  if (so === null || c.checkpointSeq === null) throw new KeyshardError('WITNESS_NOT_ELIGIBLE', 'No checkpoint is waiting for a witness sign-off right now.');
  const targetSeq = c.checkpointSeq;
  await kit.recordSigned(
    c,
    { step: 'sign-off', witnessId: signer.witnessId, checkpoint: so.checkpoint, ...(so.custodianId === null ? {} : { custodianId: so.custodianId }) },
    (withRecord, checkpointSeq) => signAndVerify(withRecord, checkpointSeq, signer),
  );
  const head = c.transcript.entries[c.transcript.entries.length - 1]!;
  return {
    witnessId: signer.witnessId,
    checkpoint: so.checkpoint,
    custodianId: so.custodianId,
    targetSeq,
    signoffSeq: head.seq,
    sealed: c.state.status === 'sealed',
    headHash: head.hash,
    status: kit.status(c),
  };
}

/** `running` gives the running session: asked only after the witness's key is found loaded. */
export async function signOff(kit: SignOffKit, running: () => Session, request: SignOffRequest): Promise<SignOffResponse> {
  const w = kit.witnesses.get(request.witnessId);
  if (w === undefined) {
    throw new KeyshardError('WITNESS_KEY', `The key of witness "${request.witnessId}" is not loaded. Load their key file (or token) first.`, { witnessId: request.witnessId });
  }
  const c = running();
  checkWitnessKey(w.key, pinnedKeys(c), c.state.signOff, (id) => nameOf(c, id));
  const confirm = confirmOf(c);
  checkFingerprintTyped(request.fingerprint, confirm.hex, w.key.id, nameOf(c, w.key.id), confirm.kind === 'key-fingerprint' ? "key's fingerprint" : "checkpoint's code");
  const act = { ...(request.passphrase === undefined ? {} : { passphrase: request.passphrase }), ...(request.pin === undefined ? {} : { pin: request.pin }) };
  const opened: OpenedWitness = await w.open(act, nameOf(c, w.key.id));
  try {
    return await signOffWith(kit, running(), opened.signer);
  } finally {
    await opened.close();
  }
}
