/**
 * The ceremony as a state machine. A pure reducer: createCeremony(plan, clock) gives the first state, apply(state,
 * event) the next one (or a CEREMONY_TRANSITION error naming what may come next), nextActions(state) what a screen
 * should offer. Every applied event becomes one JSON record { step, at, data } of public data, which the transcript
 * appends; replay(plan, records, clock) rebuilds the state from them when the app restarts.
 *
 * Order: plan -> airgap-check -> entropy -> generate | import -> split -> (handoff X -> confirm X) for every
 * custodian, in any custodian order -> test-recovery -> destroy -> seal. A step cannot be skipped, only aborted.
 * After a checkpoint step (SignOffPolicy) the next step waits for a witness sign-off.
 */
import {
  defaultSignOffs,
  fillPlanWords,
  KEY_CEREMONY,
  machineSteps,
  nextMachineStep,
  numberedSteps,
  perCustodianTurn,
  retryAfterFailure,
  type CeremonyKind,
  type KeyCeremonyStep,
} from './ceremony-kinds';
import { isDeviation, reasonProblem, DEVIATIONS, type Deviation } from './ceremony-kinds/exceptions';
import { KeyshardError } from './errors';
import { isLanguage, LANGUAGES, type Language } from './language';
import {
  observes,
  parsePlan,
  planDigest,
  planToJson,
  reachesQuorum,
  type CeremonyPlan,
  type Clock,
  type Custodian,
  type HandoffMedium,
} from './policy';
import { isBagSerial } from './bag-serial';
import { isIsoInstant, readClock } from './policy/text';
import { witnessPublicKeyProblem } from './policy/witness-key';

/**
 * The state machine's steps, in order: taken from the key ceremony's catalogue (core/ceremony-kinds), where the
 * screens' step list, the transcript's words and the printed script come from too.
 */
export const CEREMONY_STEPS = Object.freeze(machineSteps(KEY_CEREMONY)) as unknown as readonly [KeyCeremonyStep, ...KeyCeremonyStep[]];
export type CeremonyStep = KeyCeremonyStep;
export type RecordStep = CeremonyStep | 'sign-off' | 'abort' | 'exception';
export const RECORD_STEPS: readonly RecordStep[] = [...CEREMONY_STEPS, 'sign-off', 'abort', 'exception'];

/** How many witnesses must sign off a checkpoint: one of those eligible, or all of them. */
export type SignOffRule = 'one' | 'all';
export type SignOffPolicy = Readonly<Partial<Record<CeremonyStep, SignOffRule>>>;

/**
 * Checkpoints where a witness signs off before the ceremony moves on (the catalogue's `signOff`): the air gap, the
 * fingerprint read aloud after generate/import and after split, each custodian's confirmation, the test recovery, the
 * destruction, and the seal. For handoff and confirm only witnesses who observe that custodian are eligible.
 */
export const DEFAULT_SIGN_OFFS: SignOffPolicy = Object.freeze(defaultSignOffs(KEY_CEREMONY) as SignOffPolicy);

/** A witness's public signing key as the transcript pins it. */
export interface WitnessKey {
  readonly id: string;
  readonly algorithm: 'ed25519' | 'ecdsa-p256';
  /** Lowercase hex: 32 bytes (ed25519) or SEC1 33/65 bytes (ecdsa-p256). */
  readonly publicKey: string;
}

export type ConfirmationMethod = 'scan-qr' | 'type-back' | 'read-back-usb' | 'read-back-pkcs11';

/** How a custodian proves they hold a good shard, by medium: scan or type back what they were shown, or read it back. */
export const CONFIRMATION_METHODS: Readonly<Record<HandoffMedium, readonly ConfirmationMethod[]>> = {
  'screen-qr': ['scan-qr', 'type-back'],
  paper: ['scan-qr', 'type-back'],
  usb: ['read-back-usb'],
  pkcs11: ['read-back-pkcs11'],
};

/**
 * What a confirmation shows. Only the custodian's own act proves they hold their shard ('possession'): typing or
 * scanning it back from their copy, or unlocking their token with its PIN so keyshard can read the shard from it. A
 * USB read-back is keyshard reading the file it wrote ('write'): it checks the drive, not that the custodian can open it.
 */
export type ConfirmationProof = 'possession' | 'write';

export const CONFIRMATION_PROVES: Readonly<Record<ConfirmationMethod, ConfirmationProof>> = {
  'scan-qr': 'possession',
  'type-back': 'possession',
  'read-back-usb': 'write',
  'read-back-pkcs11': 'possession',
};

/**
 * Whose shards a test recovery used: those the custodians gave back (typed, or read from their tokens with their PIN),
 * which tests what they hold; or keyshard's own copies, which tests the split only.
 */
export type RecoveryShardSource = 'custodians' | 'keyshard-copies';

export type CeremonyEvent =
  | {
      readonly step: 'plan';
      /** Which checkpoints need a witness sign-off; DEFAULT_SIGN_OFFS when left out. */
      readonly signOffs?: SignOffPolicy;
      /** Witnesses' public keys, recorded for the transcript to pin (its `witnessKeys`). */
      readonly witnessKeys?: readonly WitnessKey[];
      /** SHA-256 of the app's renderer and main bundles; null when run from sources (no build to attest). */
      readonly build?: { readonly renderer: string; readonly main: string } | null;
      /** The language the screens and paper were in (the start screen's choice); older transcripts have none. */
      readonly language?: Language;
    }
  | {
      readonly step: 'airgap-check';
      readonly passed: boolean;
      /** Names of non-loopback interfaces found up (empty when passed). */
      readonly interfacesUp?: readonly string[];
      /** Only with passed: false; a witness takes responsibility for going on. */
      readonly override?: { readonly witnessId: string; readonly reason: string };
      /** SHA-256 of the OS image the computer booted, typed by the administrator (64 lowercase hex); older transcripts have none. */
      readonly osImageHash?: string;
    }
  | { readonly step: 'entropy'; readonly sources: readonly string[] }
  | { readonly step: 'generate' | 'import'; readonly fingerprint: string; readonly publicKey?: string }
  | {
      readonly step: 'split';
      readonly fingerprint: string;
      /** slip39: the 15-bit identifier common to all shares. */
      readonly identifier?: number;
      /** vss: RFC 9591 coefficient commitments (hex), commitments[0] the group public key. */
      readonly commitments?: readonly string[];
    }
  | {
      readonly step: 'handoff';
      readonly custodianId: string;
      readonly medium?: HandoffMedium;
      /**
       * core/custody/fingerprint.ts of each of the custodian's shards, in the plan's order, so a custody check can
       * later test one shard against the record alone. Transcripts written before it was recorded leave it out.
       */
      readonly shardFingerprints?: readonly string[];
      /** The serial of the tamper-evident bag the shard goes into (core/bag-serial.ts, normalised); older transcripts have none. */
      readonly bagSerial?: string;
    }
  | {
      readonly step: 'confirm';
      readonly custodianId: string;
      readonly method: ConfirmationMethod;
      /** CONFIRMATION_PROVES[method]; transcripts written before it was recorded leave it out. */
      readonly proves?: ConfirmationProof;
      readonly verifyingShare?: string;
    }
  | {
      readonly step: 'test-recovery';
      readonly custodianIds: readonly string[];
      readonly fingerprintMatch: boolean;
      /** Transcripts written before it was recorded leave it out. */
      readonly shardsFrom?: RecoveryShardSource;
    }
  | { readonly step: 'destroy'; readonly items: readonly string[] }
  | { readonly step: 'seal' }
  | { readonly step: 'sign-off'; readonly witnessId: string; readonly checkpoint: CeremonyStep; readonly custodianId?: string }
  | { readonly step: 'abort'; readonly reason: string; readonly witnessId?: string }
  | {
      /** A deviation from the script (core/ceremony-kinds/exceptions.ts); changes nothing but the record. */
      readonly step: 'exception';
      /** The catalogue step it happened at ("handoff"), one this plan has. */
      readonly stepId: string;
      readonly custodianId?: string;
      readonly deviation: Deviation;
      readonly reason: string;
      /** The witness who signs it off: required when the plan has witnesses, left out when it has none. */
      readonly witnessId?: string;
      /** Only for an abort's exception in a plan with witnesses, when no witness will sign it (said, not implied). */
      readonly unsigned?: true;
    };

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

/** One applied event, public data only; what the transcript appends. */
export interface CeremonyRecord {
  readonly step: RecordStep;
  /** ISO 8601 UTC from the injected clock. */
  readonly at: string;
  readonly data: JsonObject;
}

/** A checkpoint open for witness sign-offs until the next step. */
export interface OpenSignOff {
  readonly checkpoint: CeremonyStep;
  readonly custodianId: string | null;
  readonly eligible: readonly string[];
  readonly required: number;
  readonly signedBy: readonly string[];
}

export interface CeremonyState {
  readonly plan: CeremonyPlan;
  readonly clock: Clock;
  readonly planSha256: string;
  readonly status: 'active' | 'sealed' | 'aborted';
  readonly records: readonly CeremonyRecord[];
  /** The last main step applied (not sign-off or abort); null before the plan step. */
  readonly lastStep: CeremonyStep | null;
  /** The last main step was a check that failed: only its retry (when the catalogue gives one) or an abort follows. */
  readonly lastStepFailed: boolean;
  /** Set by the plan step (empty when the plan has no witnesses). */
  readonly signOffs: SignOffPolicy | null;
  readonly airgap: 'passed' | 'overridden' | 'failed' | null;
  readonly recovery: 'matched' | 'failed' | null;
  readonly fingerprint: string | null;
  readonly publicKey: string | null;
  readonly handedOff: readonly string[];
  readonly confirmed: readonly string[];
  /** The custodian who has their shard and must confirm it next. */
  readonly awaitingConfirmation: string | null;
  readonly signOff: OpenSignOff | null;
}

/** Something that may happen next, with a sentence for the screen. */
export interface NextAction {
  readonly step: RecordStep;
  readonly custodianId?: string;
  readonly checkpoint?: CeremonyStep;
  /** For sign-off: the witnesses who may sign now. */
  readonly witnessIds?: readonly string[];
  readonly hint: string;
}

/**
 * Starts a ceremony under a valid plan (POLICY_INVALID otherwise). Nothing is recorded until the plan step. The state
 * keeps its own frozen copy of the plan, so a caller editing its plan object later cannot change a running ceremony.
 */
export function createCeremony(plan: CeremonyPlan, clock: Clock): CeremonyState {
  const own = parsePlan(planToJson(plan));
  return freeze({
    plan: own,
    clock,
    planSha256: planDigest(own),
    status: 'active',
    records: [],
    lastStep: null,
    lastStepFailed: false,
    signOffs: null,
    airgap: null,
    recovery: null,
    fingerprint: null,
    publicKey: null,
    handedOff: [],
    confirmed: [],
    awaitingConfirmation: null,
    signOff: null,
  });
}

/** Applies one event at the clock's current time; returns the new state or throws CEREMONY_TRANSITION. */
export function apply(state: CeremonyState, event: CeremonyEvent): CeremonyState {
  if (!acceptsMore(state, event)) throw finished(state, stepName(event));
  return applyAt(state, event, readClock(state.clock));
}

/** What may happen next (empty once sealed or aborted). Abort is always last while the ceremony is active. */
export function nextActions(state: CeremonyState): NextAction[] {
  if (state.status !== 'active') return [];
  const out: NextAction[] = [];
  const so = state.signOff;
  if (so !== null) {
    const remaining = so.eligible.filter((w) => !so.signedBy.includes(w));
    if (remaining.length > 0) {
      const who = remaining.map((w) => witnessName(state.plan, w)).join(', ');
      const forWhom = so.custodianId === null ? '' : ` for ${custodianName(state.plan, so.custodianId)}`;
      const must = so.signedBy.length < so.required;
      out.push({
        step: 'sign-off',
        checkpoint: so.checkpoint,
        ...(so.custodianId === null ? {} : { custodianId: so.custodianId }),
        witnessIds: remaining,
        hint: `${must ? 'A witness' : 'Another witness may'} sign${must ? 's' : ''} off ${so.checkpoint}${forWhom} (${who}).`,
      });
    }
    if (so.signedBy.length < so.required) return [...out, abortAction()];
  }
  return [...out, ...mainActions(state), abortAction()];
}

/**
 * Rebuilds a state from records (a restarted app resumes from its transcript). Each record must be exactly what
 * applying it would record now under this plan; the first one that is not throws CEREMONY_TRANSITION with
 * details.index. Records may carry extra top-level fields (e.g. transcript links); only step, at and data are read.
 */
export function replay(plan: CeremonyPlan, records: readonly unknown[], clock: Clock): CeremonyState {
  let state = createCeremony(plan, clock);
  records.forEach((raw, index) => {
    const record = recordShape(raw, index);
    const fail = (why: string, extra: Record<string, unknown> = {}): KeyshardError =>
      new KeyshardError('CEREMONY_TRANSITION', `Transcript record ${index} (${record.step}) is not a valid next step: ${why}`, {
        index,
        step: record.step,
        ...extra,
      });
    if (!acceptsMore(state, { step: record.step })) throw fail(`the ceremony was already ${state.status}.`);
    let next: CeremonyState;
    try {
      next = applyAt(state, { ...record.data, step: record.step } as unknown as CeremonyEvent, record.at);
    } catch (e) {
      if (e instanceof KeyshardError) throw fail(e.message, { cause: e.details ?? null });
      throw e;
    }
    const made = next.records[next.records.length - 1];
    const field = made === undefined ? 'data' : firstDifference(made.data, record.data);
    if (field !== null) {
      throw fail(`its data differs from what the plan and the earlier records give (field ${field}); the transcript was edited or belongs to another plan.`, { field });
    }
    state = next;
  });
  return state;
}

// ---------------------------------------------------------------------------------------------------------------
// The reducer

interface Outcome {
  readonly data: JsonObject;
  readonly patch: Partial<CeremonyState>;
  /** Open this checkpoint for sign-offs (the step succeeded); null when it may not move on (a failed check). */
  readonly checkpoint: { readonly custodianId: string | null } | null;
  /** The check did not pass: what may come next is the catalogue's retry of this step (retryAfterFailure), if any. */
  readonly failed?: boolean;
}

/**
 * The abort's exception may follow the abort entry, once (its reason and the witness's signature come after the wipe):
 * the only record an aborted ceremony accepts. Nothing follows it.
 */
export function abortExceptionOpen(state: CeremonyState): boolean {
  return state.status === 'aborted' && state.records[state.records.length - 1]?.step === 'abort';
}

function acceptsMore(state: CeremonyState, event: unknown): boolean {
  return state.status === 'active' || (stepName(event) === 'exception' && abortExceptionOpen(state));
}

function applyAt(state: CeremonyState, event: CeremonyEvent, at: string): CeremonyState {
  if (!acceptsMore(state, event)) throw finished(state, stepName(event));
  const e = asEvent(state, event);
  const step = e['step'] as RecordStep;
  if (state.status === 'aborted') return appendRecord(state, step, at, exceptionData(state, e), {});
  if (step === 'abort') return appendRecord(state, step, at, abortData(state, e), { status: 'aborted', signOff: null });
  if (step === 'sign-off') return signOff(state, e, at);
  // An exception is a note on the record: the open sign-off and the next step stay as they were.
  if (step === 'exception') return appendRecord(state, step, at, exceptionData(state, e), {});

  const actions = nextActions(state);
  if (!actions.some((a) => a.step === step)) throw notExpected(state, step);
  const outcome = STEP_HANDLERS[step](state, e, actions);
  let signOffState: OpenSignOff | null = null;
  if (outcome.checkpoint !== null) signOffState = openSignOff(state, outcome.patch.signOffs ?? state.signOffs, step, outcome.checkpoint.custodianId);
  const sealed = step === 'seal' && signOffState === null;
  return appendRecord(state, step, at, outcome.data, {
    ...outcome.patch,
    lastStep: step,
    lastStepFailed: outcome.failed === true,
    signOff: signOffState,
    ...(sealed ? { status: 'sealed' as const } : {}),
  });
}

function appendRecord(state: CeremonyState, step: RecordStep, at: string, data: JsonObject, patch: Partial<CeremonyState>): CeremonyState {
  const record: CeremonyRecord = { step, at, data };
  return freeze({ ...state, ...patch, records: [...state.records, freeze(record)] });
}

function openSignOff(state: CeremonyState, policy: SignOffPolicy | null, step: CeremonyStep, custodianId: string | null): OpenSignOff | null {
  const rule = policy?.[step];
  if (rule === undefined) return null;
  const eligible = state.plan.witnesses.filter((w) => custodianId === null || observes(w, custodianId)).map((w) => w.id);
  const required = rule === 'all' ? eligible.length : Math.min(1, eligible.length);
  if (required === 0) return null;
  return { checkpoint: step, custodianId, eligible, required, signedBy: [] };
}

function signOff(state: CeremonyState, e: EventFields, at: string): CeremonyState {
  const so = state.signOff;
  if (so === null || so.signedBy.length >= so.eligible.length) throw notExpected(state, 'sign-off', 'no checkpoint is waiting for a witness sign-off');
  const checkpoint = field(state, e, 'checkpoint', 'string');
  if (checkpoint !== so.checkpoint) {
    throw notExpected(state, 'sign-off', `the open checkpoint is ${so.checkpoint}, not ${checkpoint}`);
  }
  const custodianId = e['custodianId'] === undefined ? so.custodianId : field(state, e, 'custodianId', 'string');
  if (custodianId !== so.custodianId) {
    throw notExpected(state, 'sign-off', `the open ${so.checkpoint} checkpoint is for ${so.custodianId ?? 'no custodian'}, not ${String(custodianId)}`);
  }
  const witnessId = field(state, e, 'witnessId', 'string');
  if (!state.plan.witnesses.some((w) => w.id === witnessId)) throw badData(state, 'sign-off', 'witnessId', `"${witnessId}" is not a witness of this plan`);
  if (so.signedBy.includes(witnessId)) throw badData(state, 'sign-off', 'witnessId', `${witnessName(state.plan, witnessId)} has already signed off this ${so.checkpoint}`);
  if (!so.eligible.includes(witnessId)) {
    throw badData(state, 'sign-off', 'witnessId', `${witnessName(state.plan, witnessId)} does not observe ${custodianName(state.plan, so.custodianId ?? '')} and cannot sign off this ${so.checkpoint}`);
  }
  const signed: OpenSignOff = { ...so, signedBy: [...so.signedBy, witnessId] };
  const sealed = so.checkpoint === 'seal' && signed.signedBy.length >= signed.required;
  const data: JsonObject = { witnessId, checkpoint: so.checkpoint, ...(so.custodianId === null ? {} : { custodianId: so.custodianId }) };
  return appendRecord(state, 'sign-off', at, data, { signOff: signed, ...(sealed ? { status: 'sealed' as const } : {}) });
}

function abortData(state: CeremonyState, e: EventFields): JsonObject {
  const reason = text(state, e, 'reason', 1000);
  const witnessId = e['witnessId'] === undefined ? undefined : knownWitness(state, e, 'witnessId');
  return { reason, afterStep: state.lastStep, ...(witnessId === undefined ? {} : { witnessId }) };
}

function exceptionData(state: CeremonyState, e: EventFields): JsonObject {
  const stepId = field(state, e, 'stepId', 'string');
  const step = numberedSteps(KEY_CEREMONY, state.plan).find((n) => n.step.id === stepId)?.step;
  if (step === undefined) throw badData(state, 'exception', 'stepId', `"${stepId}" is not a step of this plan's ceremony`);
  const deviation = e['deviation'];
  if (!isDeviation(deviation)) throw badData(state, 'exception', 'deviation', `must be one of ${DEVIATIONS.join(', ')}`);
  // The abort's exception, and only it, comes right after the abort entry.
  const afterAbort = state.status === 'aborted';
  if (afterAbort !== (deviation === 'abort')) {
    throw badData(state, 'exception', 'deviation', afterAbort ? 'must be "abort": the ceremony was aborted' : 'is "abort", but the ceremony was not aborted; abort it first');
  }
  const reasonWrong = reasonProblem(e['reason']);
  if (reasonWrong !== null) throw badData(state, 'exception', 'reason', `is not usable: ${reasonWrong}`);
  let custodianId: string | undefined;
  if (e['custodianId'] !== undefined) custodianId = custodian(state, 'exception', field(state, e, 'custodianId', 'string')).id;
  if (step.perCustodian && custodianId === undefined) throw badData(state, 'exception', 'custodianId', `is missing: step "${stepId}" is done per custodian`);
  // A witness signs every exception off; only a plan without witnesses records one unsigned.
  // An abort's exception may instead say outright that no witness signs it (none stayed, or the witness declined).
  const witnessed = state.plan.witnesses.length > 0;
  const unsigned = e['unsigned'];
  if (unsigned !== undefined) {
    if (unsigned !== true) throw badData(state, 'exception', 'unsigned', 'is true or left out');
    if (!afterAbort) throw badData(state, 'exception', 'unsigned', 'is only for an abort’s exception; a witness signs every other exception');
    if (!witnessed) throw badData(state, 'exception', 'unsigned', 'is for a plan with witnesses; leave it out (the plan has none)');
    if (e['witnessId'] !== undefined) throw badData(state, 'exception', 'unsigned', 'contradicts witnessId: name the witness who signs, or mark it unsigned');
  }
  if (witnessed && unsigned === undefined && e['witnessId'] === undefined) throw badData(state, 'exception', 'witnessId', 'is missing: a witness signs every exception off');
  if (!witnessed && e['witnessId'] !== undefined) throw badData(state, 'exception', 'witnessId', 'names a witness, but the plan has none');
  const witnessId = witnessed && unsigned === undefined ? knownWitness(state, e, 'witnessId') : undefined;
  return {
    stepId,
    ...(custodianId === undefined ? {} : { custodianId }),
    deviation,
    reason: e['reason'] as string,
    ...(witnessId === undefined ? {} : { witnessId }),
    ...(unsigned === true ? { unsigned: true } : {}),
  };
}

type Handler = (state: CeremonyState, e: EventFields, actions: readonly NextAction[]) => Outcome;

const STEP_HANDLERS: Readonly<Record<CeremonyStep, Handler>> = {
  plan(state, e) {
    const signOffs = state.plan.witnesses.length === 0 ? {} : signOffPolicy(state, e);
    const witnessKeys = e['witnessKeys'] === undefined ? undefined : witnessKeyList(state, e);
    const build = e['build'] === undefined ? undefined : buildAttestation(state, e);
    const language = e['language'];
    if (language !== undefined && !isLanguage(language)) throw badData(state, 'plan', 'language', `must be one of ${LANGUAGES.join(', ')}`);
    const p = state.plan;
    return {
      // Field names avoid the words the transcript refuses as secret-looking (secret, seed, share, ...).
      data: {
        label: p.label,
        planVersion: p.version,
        planSha256: state.planSha256,
        scheme: p.scheme.type,
        secretType: p.secret.type,
        custodianIds: p.custodians.map((c) => c.id),
        witnessIds: p.witnesses.map((w) => w.id),
        signOffs: signOffs as JsonObject,
        ...(witnessKeys === undefined ? {} : { witnessKeys }),
        // Older transcripts have no `build`; they replay as they were written.
        ...(build === undefined ? {} : { build }),
        // Likewise `language`: absent in older transcripts and when the caller did not say.
        ...(language === undefined ? {} : { language }),
      },
      patch: { signOffs },
      checkpoint: { custodianId: null },
    };
  },

  'airgap-check'(state, e) {
    const passed = field(state, e, 'passed', 'boolean');
    const interfacesUp = e['interfacesUp'] === undefined ? [] : names(state, e, 'interfacesUp', /^[\x21-\x7e]{1,64}$/, 0, 'interface names such as eth0');
    if (passed && interfacesUp.length > 0) {
      throw badData(state, 'airgap-check', 'interfacesUp', 'the check cannot pass while network interfaces are up');
    }
    let override: JsonObject | undefined;
    if (e['override'] !== undefined) {
      if (passed) throw badData(state, 'airgap-check', 'override', 'the check passed, so there is nothing to override; leave override out');
      const o = e['override'];
      if (typeof o !== 'object' || o === null || Array.isArray(o)) throw badData(state, 'airgap-check', 'override', 'must be { witnessId, reason }');
      const oe: EventFields = { ...(o as EventFields), step: 'airgap-check' };
      override = { witnessId: knownWitness(state, oe, 'witnessId', 'override.witnessId'), reason: text(state, oe, 'reason', 1000, 'override.reason') };
    }
    const airgap = passed ? 'passed' : override !== undefined ? 'overridden' : 'failed';
    const osImageHash = e['osImageHash'] === undefined ? undefined : hexField(state, e, 'osImageHash', 32);
    return {
      data: { passed, interfacesUp, ...(override === undefined ? {} : { override }), ...(osImageHash === undefined ? {} : { osImageHash }) },
      patch: { airgap },
      checkpoint: airgap === 'failed' ? null : { custodianId: null },
      failed: airgap === 'failed',
    };
  },

  entropy(state, e) {
    // Names of sources only ("os-csprng", "dice"); the values never reach core's records.
    return { data: { sources: names(state, e, 'sources', PLAIN_NAME, 1, PLAIN_NAME_HINT) }, patch: {}, checkpoint: { custodianId: null } };
  },

  generate: secretStep,
  import: secretStep,

  split(state, e): Outcome {
    const scheme = state.plan.scheme;
    const fingerprint = fingerprintField(state, e);
    if (fingerprint !== state.fingerprint) {
      throw badData(state, 'split', 'fingerprint', 'it differs from the fingerprint of the secret read aloud before; do not hand out these shards: abort the ceremony');
    }
    if (scheme.type === 'slip39') {
      if (e['commitments'] !== undefined) throw badData(state, 'split', 'commitments', 'SLIP-39 shares have no commitments; leave them out');
      const identifier = e['identifier'] === undefined ? undefined : field(state, e, 'identifier', 'number');
      if (identifier !== undefined && !(Number.isInteger(identifier) && identifier >= 0 && identifier <= 0x7fff)) {
        throw badData(state, 'split', 'identifier', 'the SLIP-39 identifier is a whole number from 0 to 32767');
      }
      const shareCount = scheme.groups.reduce((n, g) => n + g.memberCount, 0);
      return {
        data: { scheme: 'slip39', fingerprint, shareCount, ...(identifier === undefined ? {} : { identifier }) },
        patch: {},
        checkpoint: { custodianId: null },
      };
    }
    if (e['identifier'] !== undefined) throw badData(state, 'split', 'identifier', 'verifiable shares have no SLIP-39 identifier; leave it out');
    const size = elementBytes(scheme.ciphersuite);
    const commitments = hexList(state, e, 'commitments', size);
    if (commitments.length !== scheme.threshold) {
      throw badData(state, 'split', 'commitments', `a ${scheme.threshold}-of-${scheme.shares} split has ${scheme.threshold} commitments, got ${commitments.length}`);
    }
    if (state.publicKey !== null && commitments[0] !== state.publicKey) {
      throw badData(state, 'split', 'commitments', 'commitments[0] is not the public key of the secret; do not hand out these shards: abort the ceremony');
    }
    return {
      data: { scheme: 'vss', fingerprint, shareCount: scheme.shares, commitments },
      patch: {},
      checkpoint: { custodianId: null },
    };
  },

  handoff(state, e, actions) {
    const id = field(state, e, 'custodianId', 'string');
    const c = custodian(state, 'handoff', id);
    if (!actions.some((a) => a.step === 'handoff' && a.custodianId === id)) {
      throw notExpected(state, 'handoff', `${c.name} has already had their handoff`);
    }
    if (e['medium'] !== undefined && e['medium'] !== c.medium) {
      throw badData(state, 'handoff', 'medium', `the plan hands ${c.name} their shard by ${c.medium}; follow the plan, or abort and change the plan`);
    }
    let shardFingerprints: string[] | undefined;
    if (e['shardFingerprints'] !== undefined) {
      shardFingerprints = hexList(state, e, 'shardFingerprints', 32);
      if (shardFingerprints.length !== c.shares.length) {
        throw badData(state, 'handoff', 'shardFingerprints', `${c.name} holds ${c.shares.length} share(s), so it lists ${c.shares.length} fingerprint(s), not ${shardFingerprints.length}`);
      }
    }
    const bagSerial = e['bagSerial'];
    if (bagSerial !== undefined && !isBagSerial(bagSerial)) {
      throw badData(state, 'handoff', 'bagSerial', 'must be a normalised bag serial: 4 to 24 upper-case letters and digits');
    }
    return {
      data: {
        custodianId: id,
        medium: c.medium,
        protection: c.protection.type,
        shares: c.shares.map((s): JsonObject => ('signer' in s ? { signer: s.signer } : { group: s.group, member: s.member })),
        ...(shardFingerprints === undefined ? {} : { shardFingerprints }),
        ...(bagSerial === undefined ? {} : { bagSerial }),
      },
      patch: { handedOff: [...state.handedOff, id], awaitingConfirmation: id },
      checkpoint: { custodianId: id },
    };
  },

  confirm(state, e) {
    const id = field(state, e, 'custodianId', 'string');
    if (id !== state.awaitingConfirmation) {
      throw notExpected(state, 'confirm', `the custodian to confirm now is ${custodianName(state.plan, state.awaitingConfirmation ?? '')}, not ${id}`);
    }
    const c = custodian(state, 'confirm', id);
    const method = field(state, e, 'method', 'string');
    const methods = CONFIRMATION_METHODS[c.medium];
    if (!(methods as readonly string[]).includes(method)) {
      throw badData(state, 'confirm', 'method', `a ${c.medium} handoff is confirmed by ${methods.join(' or ')}`);
    }
    // Older transcripts have no `proves`; when present it must be what the method shows, never more.
    const proves = CONFIRMATION_PROVES[method as ConfirmationMethod];
    if (e['proves'] !== undefined && e['proves'] !== proves) {
      throw badData(state, 'confirm', 'proves', `must be "${proves}" for ${method} (a read-back of what keyshard wrote proves only the write)`);
    }
    let verifyingShare: string | undefined;
    if (e['verifyingShare'] !== undefined) {
      if (state.plan.scheme.type !== 'vss') throw badData(state, 'confirm', 'verifyingShare', 'only verifiable shares have a verifying share; leave it out');
      verifyingShare = hexField(state, e, 'verifyingShare', elementBytes(state.plan.scheme.ciphersuite));
    }
    return {
      data: { custodianId: id, medium: c.medium, method, ...(e['proves'] === undefined ? {} : { proves }), ...(verifyingShare === undefined ? {} : { verifyingShare }) },
      patch: { confirmed: [...state.confirmed, id], awaitingConfirmation: null },
      checkpoint: { custodianId: id },
    };
  },

  'test-recovery'(state, e) {
    const ids = names(state, e, 'custodianIds', /^.+$/, 1, 'custodian ids of this plan');
    for (const id of ids) custodian(state, 'test-recovery', id);
    if (!reachesQuorum(state.plan, ids)) {
      throw badData(state, 'test-recovery', 'custodianIds', 'these custodians do not hold enough shares to reach the quorum; test with a quorum');
    }
    const fingerprintMatch = field(state, e, 'fingerprintMatch', 'boolean');
    const from = e['shardsFrom'];
    if (from !== undefined && from !== 'custodians' && from !== 'keyshard-copies') {
      throw badData(state, 'test-recovery', 'shardsFrom', 'is "custodians" or "keyshard-copies"');
    }
    return {
      data: { custodianIds: ids, fingerprintMatch, ...(from === undefined ? {} : { shardsFrom: from }) },
      patch: { recovery: fingerprintMatch ? 'matched' : 'failed' },
      checkpoint: fingerprintMatch ? { custodianId: null } : null,
      failed: !fingerprintMatch,
    };
  },

  destroy(state, e) {
    return { data: { items: names(state, e, 'items', PLAIN_NAME, 1, 'a name such as master-secret, not a value') }, patch: {}, checkpoint: { custodianId: null } };
  },

  seal(state) {
    return {
      data: { fingerprint: state.fingerprint, confirmedCustodianIds: [...state.confirmed], recordCount: state.records.length },
      patch: {},
      checkpoint: { custodianId: null },
    };
  },
};

function secretStep(state: CeremonyState, e: EventFields): Outcome {
  const secret = state.plan.secret;
  const step = e['step'] as 'generate' | 'import';
  const kind = secret.type === 'new-key' ? secret.curve : secret.type === 'new-seed' ? 'seed' : secret.kind;
  const lengthBytes = secret.type === 'new-key' ? 32 : secret.type === 'new-seed' ? secret.bits / 8 : secret.lengthBytes;
  const fingerprint = fingerprintField(state, e);
  let publicKey: string | undefined;
  if (e['publicKey'] !== undefined) {
    if (kind === 'seed') throw badData(state, step, 'publicKey', 'a seed has no public key; leave it out');
    // For FROST the key must be in the RFC 9591 element encoding so it can be compared with commitments[0].
    const sizes = state.plan.scheme.type === 'vss' ? [elementBytes(kind)] : kind === 'ed25519' ? [32] : [33, 65];
    publicKey = hexField(state, e, 'publicKey', sizes);
  }
  return {
    data: { kind, lengthBytes, fingerprint, ...(publicKey === undefined ? {} : { publicKey }) },
    patch: { fingerprint, publicKey: publicKey ?? null },
    checkpoint: { custodianId: null },
  };
}

function signOffPolicy(state: CeremonyState, e: EventFields): SignOffPolicy {
  const raw = e['signOffs'];
  if (raw === undefined) return DEFAULT_SIGN_OFFS;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw badData(state, 'plan', 'signOffs', 'must map step names to "one" or "all"');
  }
  const given = raw as Record<string, unknown>;
  for (const [k, v] of Object.entries(given)) {
    if (!(CEREMONY_STEPS as readonly string[]).includes(k)) throw badData(state, 'plan', `signOffs.${k}`, `"${k}" is not a ceremony step`);
    if (v !== 'one' && v !== 'all') throw badData(state, 'plan', `signOffs.${k}`, 'must be "one" or "all"');
  }
  // Steps in ceremony order, so the record is the same however the caller built the object.
  const policy: Partial<Record<CeremonyStep, SignOffRule>> = {};
  for (const s of CEREMONY_STEPS) if (given[s] !== undefined) policy[s] = given[s] as SignOffRule;
  return policy;
}

/** The bundle hashes the app runs (64 lowercase hex each), or null for a run from sources. */
function buildAttestation(state: CeremonyState, e: EventFields): JsonObject | null {
  const v = e['build'];
  if (v === null) return null;
  const o = typeof v === 'object' && !Array.isArray(v) ? (v as EventFields) : {};
  for (const k of ['renderer', 'main'] as const) {
    if (!isHexOf(o[k], [32])) throw badData(state, 'plan', `build.${k}`, 'must be the SHA-256 of the bundle, 64 lowercase hex digits');
  }
  return { renderer: o['renderer'] as string, main: o['main'] as string };
}

function witnessKeyList(state: CeremonyState, e: EventFields): JsonObject[] {
  const v = e['witnessKeys'];
  if (!Array.isArray(v)) throw badData(state, 'plan', 'witnessKeys', 'must be a list of { id, algorithm, publicKey }');
  const seen = new Set<string>();
  return v.map((k: unknown, i) => {
    const f = `witnessKeys[${i}]`;
    if (typeof k !== 'object' || k === null || Array.isArray(k)) throw badData(state, 'plan', f, 'must be { id, algorithm, publicKey }');
    const o: EventFields = { ...(k as EventFields), step: 'plan' };
    const id = knownWitness(state, o, 'id', `${f}.id`);
    if (seen.has(id)) throw badData(state, 'plan', `${f}.id`, `gives a second key for ${id}`);
    seen.add(id);
    const algorithm = o['algorithm'];
    if (algorithm !== 'ed25519' && algorithm !== 'ecdsa-p256') throw badData(state, 'plan', `${f}.algorithm`, 'must be ed25519 or ecdsa-p256');
    if (!isHexOf(o['publicKey'], algorithm === 'ed25519' ? [32] : [33, 65])) {
      throw badData(state, 'plan', `${f}.publicKey`, `must be lowercase hex of ${algorithm === 'ed25519' ? '32' : '33 or 65'} bytes`);
    }
    // A pinned key that is no real key (all zeros, identity, small order, off the curve) would let anybody sign.
    const problem = witnessPublicKeyProblem(algorithm, o['publicKey'] as string);
    if (problem !== null) throw badData(state, 'plan', `${f}.publicKey`, `is not a usable witness key: ${problem}`);
    return { id, algorithm, publicKey: o['publicKey'] as string };
  });
}

/**
 * One custodian's turn, from the catalogue's per-custodian steps (perCustodianTurn): handoff, then confirm. Every
 * custodian has a whole turn before the steps after it; the custodian in a turn is the one awaiting confirmation.
 */
const TURN = perCustodianTurn(KEY_CEREMONY) as readonly CeremonyStep[];

/**
 * What the state machine offers next. The order is the catalogue's: nextMachineStep for the steps done once, TURN for
 * those done per custodian, and after a failed check its `repeatWhenFailed` (retryAfterFailure) or nothing.
 */
function mainActions(state: CeremonyState): NextAction[] {
  const { plan } = state;
  if (state.lastStepFailed && state.lastStep !== null) {
    const retry = retryAfterFailure(KEY_CEREMONY, state.lastStep);
    return retry === null ? [] : [{ step: state.lastStep, hint: fillPlanWords(retry, plan) }];
  }
  const inTurn = state.lastStep === null ? -1 : TURN.indexOf(state.lastStep);
  // Within a custodian's turn: its next step, for the same custodian.
  if (inTurn >= 0 && inTurn < TURN.length - 1) return [turnAction(state, TURN[inTurn + 1]!, state.awaitingConfirmation ?? '')];
  // A turn ended, or the turns start now: a turn for each custodian not yet in one; after the last, the catalogue's next.
  const startsTurns = nextMachineStep(KEY_CEREMONY, plan, state.lastStep)?.kind === TURN[0];
  if (TURN.length > 0 && (inTurn === TURN.length - 1 || startsTurns)) {
    const left = plan.custodians.filter((c) => !state.handedOff.includes(c.id));
    if (left.length > 0) return left.map((c) => turnAction(state, TURN[0]!, c.id));
    return catalogueNext(state, TURN[TURN.length - 1]!);
  }
  return catalogueNext(state, state.lastStep);
}

/** A step of a custodian's turn, for that custodian, with the catalogue's sentence filled in for them. */
function turnAction(state: CeremonyState, step: CeremonyStep, custodianId: string): NextAction {
  const c = state.plan.custodians.find((x) => x.id === custodianId);
  const words = (KEY_CEREMONY as CeremonyKind).steps.flatMap((s) => s.records).find((r) => r.kind === step)?.hint ?? '';
  const hint = words
    .replace(/\{custodian\}/g, custodianName(state.plan, custodianId))
    .replace(/\{medium\}/g, c?.medium ?? '')
    .replace(/\{methods\}/g, c === undefined ? '' : CONFIRMATION_METHODS[c.medium].join(' or '));
  return { step, custodianId, hint };
}

/** The catalogue's next step after `after`, with its hint; nothing after the seal. */
function catalogueNext(state: CeremonyState, after: CeremonyStep | null): NextAction[] {
  const next = nextMachineStep(KEY_CEREMONY, state.plan, after);
  if (next === null) return [];
  return [{ step: next.kind as CeremonyStep, hint: fillPlanWords(next.hint ?? '', state.plan) }];
}

function abortAction(): NextAction {
  return { step: 'abort', hint: 'Abort the ceremony, giving the reason.' };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading event fields (events come from code, but replayed ones come from a file)

type EventFields = Readonly<Record<string, unknown>>;

function asEvent(state: CeremonyState, event: unknown): EventFields {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw transition(state, 'An event must be an object with a step.', { step: null });
  }
  const step = (event as EventFields)['step'];
  if (typeof step !== 'string' || !(RECORD_STEPS as readonly string[]).includes(step)) {
    throw transition(state, `"${String(step)}" is not a ceremony step.`, { step: typeof step === 'string' ? step : null });
  }
  return event as EventFields;
}

function field(state: CeremonyState, e: EventFields, key: string, type: 'string'): string;
function field(state: CeremonyState, e: EventFields, key: string, type: 'number'): number;
function field(state: CeremonyState, e: EventFields, key: string, type: 'boolean'): boolean;
function field(state: CeremonyState, e: EventFields, key: string, type: 'string' | 'number' | 'boolean'): unknown {
  const v = e[key];
  if (typeof v !== type) throw badData(state, String(e['step']), key, v === undefined ? 'is missing' : `must be a ${type}`);
  return v;
}

function text(state: CeremonyState, e: EventFields, key: string, max: number, label = key): string {
  const v = e[key];
  if (typeof v !== 'string' || v.trim() === '') throw badData(state, stepOf(state, e), label, 'must be a non-empty text');
  if (v.length > max) throw badData(state, stepOf(state, e), label, `is longer than ${max} characters`);
  return v;
}

function stepOf(state: CeremonyState, e: EventFields): string {
  return typeof e['step'] === 'string' ? e['step'] : state.lastStep ?? 'plan';
}

function knownWitness(state: CeremonyState, e: EventFields, key: string, label = key): string {
  const id = e[key];
  if (typeof id !== 'string' || !state.plan.witnesses.some((w) => w.id === id)) {
    throw badData(state, stepOf(state, e), label, `${JSON.stringify(id ?? null)} is not a witness of this plan`);
  }
  return id;
}

/**
 * Names of things (entropy sources, destroyed items): dash-separated lowercase words of at most 16 characters. The
 * word limit is a tripwire against a value (hex entropy, a key) being recorded where a name belongs.
 */
const PLAIN_NAME = /^[a-z][a-z0-9]{0,15}(?:-[a-z0-9]{1,16}){0,5}$/;
const PLAIN_NAME_HINT = 'a name such as os-csprng or dice, not a value';

function names(state: CeremonyState, e: EventFields, key: string, pattern: RegExp, min: number, hint: string): string[] {
  const v = e[key];
  const step = stepOf(state, e);
  if (!Array.isArray(v) || v.length < min || v.length > 256) throw badData(state, step, key, `must be a list of ${min} to 256 names`);
  const seen = new Set<string>();
  for (const x of v) {
    if (typeof x !== 'string' || !pattern.test(x)) throw badData(state, step, key, `has ${JSON.stringify(x)}, which is not valid here (${hint})`);
    if (seen.has(x)) throw badData(state, step, key, `${x} is listed twice`);
    seen.add(x);
  }
  return v as string[];
}

/** A public identifier of the secret, read aloud (e.g. hex of a hash of the public key), never the secret. */
function fingerprintField(state: CeremonyState, e: EventFields): string {
  const v = e['fingerprint'];
  if (typeof v !== 'string' || !/^[0-9A-Za-z](?:[0-9A-Za-z :-]{2,126}[0-9A-Za-z])$/.test(v)) {
    throw badData(state, stepOf(state, e), 'fingerprint', 'must be 4 to 128 letters and digits (spaces, dashes or colons may separate them)');
  }
  return v;
}

function isHexOf(v: unknown, sizes: readonly number[]): v is string {
  return typeof v === 'string' && /^(?:[0-9a-f]{2})+$/.test(v) && sizes.includes(v.length / 2);
}

function hexField(state: CeremonyState, e: EventFields, key: string, bytes: number | readonly number[]): string {
  const sizes = typeof bytes === 'number' ? [bytes] : bytes;
  const v = e[key];
  if (!isHexOf(v, sizes)) throw badData(state, stepOf(state, e), key, `must be lowercase hex of ${sizes.join(' or ')} bytes`);
  return v;
}

function hexList(state: CeremonyState, e: EventFields, key: string, bytes: number): string[] {
  const v = e[key];
  if (!Array.isArray(v) || v.length === 0) throw badData(state, stepOf(state, e), key, 'must be a list of hex strings');
  v.forEach((x, i) => {
    if (!isHexOf(x, [bytes])) throw badData(state, stepOf(state, e), `${key}[${i}]`, `must be lowercase hex of ${bytes} bytes`);
  });
  return v as string[];
}

/** RFC 9591 element (point) encoding: 32 bytes for Ed25519, 33 (compressed SEC1) for secp256k1 and P-256. */
function elementBytes(curve: string): number {
  return curve === 'ed25519' ? 32 : 33;
}

function custodian(state: CeremonyState, step: string, id: string): Custodian {
  const c = state.plan.custodians.find((x) => x.id === id);
  if (c === undefined) throw badData(state, step, 'custodianId', `"${id}" is not a custodian of this plan`);
  return c;
}

function custodianName(plan: CeremonyPlan, id: string): string {
  return plan.custodians.find((c) => c.id === id)?.name ?? id;
}

function witnessName(plan: CeremonyPlan, id: string): string {
  return plan.witnesses.find((w) => w.id === id)?.name ?? id;
}

function stepName(event: unknown): string {
  const s = typeof event === 'object' && event !== null ? (event as EventFields)['step'] : undefined;
  return typeof s === 'string' ? s : String(s);
}

// ---------------------------------------------------------------------------------------------------------------
// Errors: every refusal is CEREMONY_TRANSITION and says what may come next

function expectedList(state: CeremonyState): { step: string; custodianId?: string; checkpoint?: string }[] {
  return nextActions(state).map((a) => ({
    step: a.step,
    ...(a.custodianId === undefined ? {} : { custodianId: a.custodianId }),
    ...(a.checkpoint === undefined ? {} : { checkpoint: a.checkpoint }),
  }));
}

function describeExpected(state: CeremonyState): string {
  const parts = nextActions(state).map((a) =>
    a.step === 'sign-off'
      ? `sign-off of ${a.checkpoint ?? ''}${a.custodianId === undefined ? '' : ` (${custodianName(state.plan, a.custodianId)})`}`
      : a.custodianId === undefined
        ? a.step
        : `${a.step} (${custodianName(state.plan, a.custodianId)})`,
  );
  const unique = [...new Set(parts)];
  return unique.length <= 1 ? (unique[0] ?? 'nothing') : `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

function transition(state: CeremonyState, message: string, details: Record<string, unknown>): KeyshardError {
  return new KeyshardError('CEREMONY_TRANSITION', message, { ...details, lastStep: state.lastStep, expected: expectedList(state) });
}

function notExpected(state: CeremonyState, step: string, why?: string): KeyshardError {
  const because = why === undefined ? '' : ` (${why})`;
  return transition(state, `"${step}" cannot happen now${because}. Next: ${describeExpected(state)}.`, { step });
}

function badData(state: CeremonyState, step: string, key: string, problem: string): KeyshardError {
  return transition(state, `The ${step} event's ${key} ${problem}. Nothing was recorded; correct the event and try again (next: ${describeExpected(state)}).`, {
    step,
    field: key,
  });
}

function finished(state: CeremonyState, step: string): KeyshardError {
  return new KeyshardError('CEREMONY_TRANSITION', `The ceremony is ${state.status}; it accepts no more steps ("${step}" refused). Start a new ceremony if needed.`, {
    step,
    status: state.status,
    lastStep: state.lastStep,
    expected: [],
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Records

function recordShape(raw: unknown, index: number): CeremonyRecord {
  const bad = (why: string): KeyshardError =>
    new KeyshardError('CEREMONY_TRANSITION', `Transcript record ${index} is malformed: ${why}. The transcript file is damaged or edited.`, { index });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('it is not an object');
  const r = raw as Record<string, unknown>;
  if (typeof r['step'] !== 'string' || !(RECORD_STEPS as readonly string[]).includes(r['step'])) throw bad('its step is unknown');
  if (!isIsoInstant(r['at'])) throw bad('its time is not an ISO 8601 UTC instant');
  const data = r['data'];
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw bad('its data is not an object');
  return { step: r['step'] as RecordStep, at: r['at'], data: data as JsonObject };
}

/** The first key path where two JSON values differ, or null when they are equal (key order ignored). */
function firstDifference(a: unknown, b: unknown, path = 'data'): string | null {
  if (a === b) return null;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return path;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    for (const k of new Set([...ka, ...kb])) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d !== null) return d;
    }
    return null;
  }
  return path;
}

/** Freezes a state or record all the way down (the clock is a function and stays as given). */
function freeze<T extends object>(value: T): T {
  for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
}

function deepFreeze(v: unknown): void {
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return;
  Object.freeze(v);
  for (const x of Object.values(v)) deepFreeze(x);
}
