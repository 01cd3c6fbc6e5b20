/**
 * Step: start (the plan entry). Everything the plan relies on is checked before anything is written: no transcript
 * already in the folder, a usable key for every witness, every token present and capable. Then the plan is saved and
 * the plan entry recorded with the pinned witness keys, the sign-off policy and the build's hashes.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { createCeremony } from '../../../../core/ceremony';
import { KeyshardError } from '../../../../core/errors';
import { parsePlan } from '../../../../core/policy';
import { witnessPublicKeyProblem } from '../../../../core/policy/witness-key';
import { createTranscript } from '../../../../core/transcript';
import { checkDevices as inspectDevices, deviceCheckError, hasTokenCustodians, requireHsm, tokenCheckEntry, type DeviceCheck } from '../tokens';
import type { StartRequest } from '../types';
import type { StepKit } from './kit';
import { newSession, transition, type Session } from './session';

export type StartKit = Pick<StepKit, 'clock' | 'random' | 'hsm' | 'build' | 'transcriptDir' | 'witnesses' | 'storeFor' | 'record' | 'wipe'>;

/** Returns the new session once its plan entry is saved; `previous` (ended, or none) is wiped first. */
export async function start(kit: StartKit, previous: Session | null, request: StartRequest): Promise<Session> {
  if (previous !== null && previous.state.status === 'active') {
    throw transition('A ceremony is already running in this session; finish or abort it first.');
  }
  const plan = parsePlan(request.plan);
  const store = kit.storeFor(kit.transcriptDir);
  if ((await store.loadTranscript().catch(() => 'unreadable' as const)) !== null) {
    throw new KeyshardError('INVALID_ARGUMENT', `${store.transcriptPath} already holds a ceremony's transcript. Resume that ceremony, or choose another directory for this one.`);
  }
  const witnessKeys = request.witnessKeys ?? kit.witnesses.keys();
  for (const k of witnessKeys) {
    const problem = witnessPublicKeyProblem(k.algorithm, k.publicKey);
    if (problem !== null) {
      throw new KeyshardError('WITNESS_KEY', `The key given for witness "${k.id}" is not a usable signing key: ${problem}. Use the witness's own key file or token.`, {
        witnessId: k.id,
      });
    }
  }
  const missing = plan.witnesses.filter((w) => !witnessKeys.some((k) => k.id === w.id));
  if (missing.length > 0) {
    throw new KeyshardError(
      'WITNESS_KEY',
      `No signing key is known for ${missing.map((w) => w.name).join(', ')}. Load every witness's key file (or token) before starting, so their sign-offs can be checked.`,
      { witnessIds: missing.map((w) => w.id) },
    );
  }
  // Every token the plan relies on is checked now, before anything is recorded (not halfway through).
  let devices: DeviceCheck | null = null;
  if (kit.hsm !== undefined && (hasTokenCustodians(plan) || request.entropyToken !== undefined)) {
    devices = await inspectDevices(kit.hsm, plan, request.tokens, request.entropyToken);
    if (!devices.report.ok) throw deviceCheckError(devices.report);
  } else if ((request.tokens?.length ?? 0) > 0 || request.entropyToken !== undefined) {
    requireHsm(kit.hsm, 'the tokens chosen for this ceremony cannot be checked');
  }
  kit.wipe(previous);
  const ceremonyIdHex = bytesToHex(kit.random(16));
  const c = newSession({
    plan,
    store,
    ceremonyIdHex,
    state: createCeremony(plan, kit.clock),
    transcript: createTranscript(ceremonyIdHex, kit.clock),
    checkpointSeq: null,
    lost: null,
    entropyNeeded: null,
    tokens: new Map((devices?.bindings ?? []).map((b) => [b.custodianId, b] as const)),
    entropyToken: devices?.entropy ?? null,
  });
  await store.savePlan(plan);
  await kit.record(
    c,
    {
      step: 'plan',
      witnessKeys: witnessKeys.filter((k) => plan.witnesses.some((w) => w.id === k.id)).map((k) => ({ id: k.id, algorithm: k.algorithm, publicKey: k.publicKey })),
      ...(request.signOffs === undefined ? {} : { signOffs: request.signOffs }),
      ...(kit.build === undefined ? {} : { build: kit.build }),
      ...(request.language === undefined ? {} : { language: request.language }),
    },
    { after: devices === null ? [] : [tokenCheckEntry(devices)] },
  );
  return c;
}
