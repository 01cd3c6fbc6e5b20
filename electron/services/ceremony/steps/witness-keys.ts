/**
 * Loading witnesses' keys before a ceremony: an encrypted key file (read, nothing decrypted), a signer object held by
 * main, or a key on the witness's token (one login to read and check it). Each sign-off later asks the witness again
 * (passphrase or PIN); a witness loading a key again replaces the earlier one.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { KeyshardError } from '../../../../core/errors';
import { witnessPublicKeyProblem } from '../../../../core/policy/witness-key';
import type { WitnessSigner } from '../../../../core/transcript';
import { requireCapabilities } from '../../hsm/capabilities';
import type { HsmSession } from '../../hsm/types';
import { loadWitnessKeyFile } from '../../witness/index';
import { keyFileCredential, signerCredential, type LoadedWitnessKey, type OpenedWitness } from '../../witness/credential';
import { findChosen, pinFor, requireHsm, tokenText, WITNESS_TOKEN_NEEDS } from '../tokens';
import type { CeremonyHsm, LoadWitnessKeyRequest, LoadWitnessTokenRequest, PinSupplier, TokenChoice } from '../types';
import type { StepKit } from './kit';

export type WitnessKeysKit = Pick<StepKit, 'witnesses' | 'hsm' | 'pins'>;

export async function loadWitnessKey(kit: WitnessKeysKit, request: LoadWitnessKeyRequest): Promise<LoadedWitnessKey> {
  const sealed = await loadWitnessKeyFile(request.path, request.witnessId);
  const credential = keyFileCredential(sealed);
  kit.witnesses.set(credential);
  return credential.key;
}

export function registerWitnessSigner(kit: WitnessKeysKit, signer: WitnessSigner): LoadedWitnessKey {
  const problem = witnessPublicKeyProblem(signer.algorithm, bytesToHex(signer.publicKey));
  if (problem !== null) throw new KeyshardError('WITNESS_KEY', `Witness "${signer.witnessId}"'s key is not a usable signing key: ${problem}.`, { witnessId: signer.witnessId });
  const credential = signerCredential(signer);
  kit.witnesses.set(credential);
  return credential.key;
}

/**
 * Logs in to a witness's token with the PIN they typed and finds their signing key: for one signature (or, at load,
 * to read the key). `close` logs out and closes the module.
 */
async function openWitnessToken(
  hsm: CeremonyHsm,
  pins: PinSupplier | undefined,
  witnessId: string,
  choice: TokenChoice,
  keyLabel: string,
  typedPin: string | undefined,
  who: string = `witness ${witnessId}`,
): Promise<OpenedWitness & { readonly token: { readonly label: string; readonly serial: string } }> {
  const port = await hsm.open(hsm.modulePath);
  let session: HsmSession | undefined;
  try {
    const info = await findChosen(port, choice);
    // Before the PIN is asked: a token that cannot sign ECDSA is refused as it is.
    requireCapabilities(info.capabilities, WITNESS_TOKEN_NEEDS, tokenText(info));
    const pin = await pinFor(typedPin, pins, { purpose: 'witness', witnessId, tokenLabel: info.label, tokenSerial: info.serial });
    const open: HsmSession = await port.openSession({ serial: info.serial }, pin, { require: WITNESS_TOKEN_NEEDS });
    session = open;
    const signer = await open.witnessSigner(witnessId, keyLabel);
    let closed = false;
    return {
      signer,
      token: { label: info.label, serial: info.serial },
      close: async () => {
        if (closed) return;
        closed = true;
        try {
          await open.close();
        } finally {
          await port.close();
        }
      },
    };
  } catch (e) {
    await session?.close();
    await port.close();
    if (!(e instanceof KeyshardError)) throw e;
    throw new KeyshardError(e.code, `The token of ${who} cannot be used: ${e.message}`, { ...e.details, witnessId });
  }
}

export async function loadWitnessToken(kit: WitnessKeysKit, request: LoadWitnessTokenRequest): Promise<LoadedWitnessKey> {
  const witnessId = request.witnessId;
  const hsm = requireHsm(kit.hsm, `witness ${String(witnessId)}'s token cannot be used`);
  // A witness loading their token again replaces the earlier registration.
  kit.witnesses.release(witnessId);
  // One login now, to read and check the key; each sign-off logs in again with the PIN the witness types then.
  const opened = await openWitnessToken(hsm, kit.pins, witnessId, request.token, request.keyLabel, request.pin);
  let key: LoadedWitnessKey;
  try {
    key = {
      id: witnessId,
      algorithm: opened.signer.algorithm,
      publicKey: bytesToHex(opened.signer.publicKey),
      unlock: 'pin',
      tokenLabel: opened.token.label,
    };
  } finally {
    await opened.close();
  }
  const problem = witnessPublicKeyProblem(key.algorithm, key.publicKey);
  if (problem !== null) throw new KeyshardError('WITNESS_KEY', `The key "${request.keyLabel}" on ${witnessId}'s token is not a usable signing key: ${problem}.`, { witnessId });
  const serialNo = opened.token.serial;
  let gone = false;
  const unloaded = (): KeyshardError =>
    new KeyshardError('SECRET_DESTROYED', `The token key of witness "${witnessId}" was unloaded when its ceremony ended. Load it again to sign.`, { witnessId });
  /** Sessions logged in for a sign-off and not yet closed: forgetting the key logs them out (quit during a stuck sign-off). */
  const sessions = new Set<OpenedWitness>();
  kit.witnesses.set({
    key,
    async open(act, who) {
      if (gone) throw unloaded();
      if ((act.pin === undefined || act.pin === '') && kit.pins === undefined) {
        throw new KeyshardError('WITNESS_ACT_NEEDED', `${who ?? witnessId} types their token PIN to sign; none was given. Nothing was signed.`, { witnessId, needs: 'pin' });
      }
      const session = await openWitnessToken(hsm, kit.pins, witnessId, { serial: serialNo }, request.keyLabel, act.pin, who);
      if (gone) {
        await session.close();
        throw unloaded();
      }
      if (bytesToHex(session.signer.publicKey) !== key.publicKey) {
        await session.close();
        throw new KeyshardError('WITNESS_KEY', `The key "${request.keyLabel}" on ${witnessId}'s token is not the one loaded for this ceremony. Use the witness's own token.`, { witnessId });
      }
      sessions.add(session);
      return {
        signer: session.signer,
        close: async () => {
          sessions.delete(session);
          await session.close();
        },
      };
    },
    forget() {
      gone = true;
      for (const s of [...sessions]) {
        sessions.delete(s);
        void s.close().catch(() => undefined);
      }
    },
  });
  return key;
}
