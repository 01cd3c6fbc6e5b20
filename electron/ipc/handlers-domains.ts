/**
 * The service calls behind the ceremony, recovery and tool channels (handlers.ts wraps each with validation and the
 * result envelope). Thin on purpose: the services decide; this file only maps a validated request to a call.
 */
import { basename, isAbsolute, resolve } from 'node:path';
import { isKeyshardError, KeyshardError } from '../../core/errors';
import { analyzeCoalitions, parsePlan, planToJson, validatePlan, type PolicyProblem } from '../../core/policy';
import { READ_CAPS, readGuardedText } from '../services/fs/guarded-read';
import { verifyTranscriptText } from '../../core/transcript';
import { signedSteps } from '../../core/signed-steps';
import type { RecoveryService } from '../services/recovery/types';
import type { RemovableDrive } from '../services/usb/types';
import type { ChannelName } from './channels';
import type { ParsedRequestOf, ServiceResultOf } from './contract';
import type { CeremonyHost } from './ceremony-host';
import type { ChosenFiles } from './chosen-files';
import type { HsmHost } from './hsm-host';

export type ServicesOf<K extends ChannelName> = {
  readonly [P in K]: (request: ParsedRequestOf<P>) => ServiceResultOf<P> | Promise<ServiceResultOf<P>>;
};

type CeremonyChannel = Extract<ChannelName, `ceremony:${string}`>;
type RecoveryChannel = Extract<ChannelName, `recovery:${string}`>;
type ToolChannel = 'transcript:verify' | 'plan:analyze' | 'plan:read-file' | 'usb:list-drives';
type DeviceChannel = Extract<ChannelName, `hsm:${string}`>;
type DialogChannel = Extract<ChannelName, `dialog:${string}`>;

/** Main's own file dialog: the path the person chose, or null when they cancelled. */
export type ChooseFile = (request: ParsedRequestOf<'dialog:choose-file'>) => Promise<string | null>;

function unavailable(what: string): never {
  throw new KeyshardError('INTERNAL', `The ${what} is not available in this window. Restart keyshard; if it keeps happening, report it.`);
}

export function ceremonyServices(host: CeremonyHost | undefined): ServicesOf<CeremonyChannel> {
  const h = (): CeremonyHost => host ?? unavailable('ceremony service');
  return {
    'ceremony:list-saved': () => h().saved(),
    'ceremony:choose-folder': () => h().chooseFolder(),
    'ceremony:check-devices': (r) => h().checkDevices(r),
    'ceremony:start': (r) => h().start(r),
    'ceremony:status': () => h().status(),
    'ceremony:transcript': () => h().transcript(),
    'ceremony:check-airgap': (r) => h().checkAirGap(r),
    'ceremony:gather-entropy': (r) => h().gatherEntropy(r),
    'ceremony:generate': (r) => h().generate(r),
    'ceremony:import-secret': (r) => h().importSecret(r),
    'ceremony:split': () => h().split(),
    'ceremony:handoff': (r) => h().handoff(r),
    'ceremony:current-handoff': () => h().currentHandoff(),
    'ceremony:confirm': (r) => h().confirm(r),
    'ceremony:receipt': (r) => h().receipt(r),
    'ceremony:print-paper': (r) => h().printPaper(r),
    'ceremony:test-recovery': (r) => h().testRecovery(r),
    'ceremony:destroy': (r) => h().destroy(r),
    'ceremony:seal': () => h().seal(),
    'ceremony:sign-off': (r) => h().signOff(r),
    'ceremony:load-witness-key': (r) => h().loadWitnessKey(r),
    'ceremony:load-witness-token': (r) => h().loadWitnessToken(r),
    'ceremony:witness-keys': () => h().witnessKeys(),
    'ceremony:abort': (r) => h().abort(r),
    'ceremony:record-exception': (r) => h().recordException(r),
    'ceremony:mark-absent': (r) => h().markAbsent(r),
    'ceremony:resume': (r) => h().resume(r ?? {}),
  };
}

export function recoveryServices(recovery: RecoveryService | undefined): ServicesOf<RecoveryChannel> {
  const r = (): RecoveryService => recovery ?? unavailable('recovery service');
  return {
    'recovery:start': (q) => r().start(q),
    'recovery:add-shard': (q) => r().addShard(q),
    'recovery:drive-shards': (q) => r().driveShards(q),
    'recovery:status': () => r().status(),
    'recovery:finish': (q) => r().finish(q),
    'recovery:cancel-finish': () => r().cancelFinish(),
    'recovery:export': (q) => r().export(q),
    'recovery:clear': () => r().clear(),
  };
}

export function deviceServices(hsm: HsmHost | undefined): ServicesOf<DeviceChannel> {
  const d = (): HsmHost => hsm ?? unavailable('token service');
  return {
    'hsm:list-tokens': (r) => d().listTokens(r?.modulePath),
    'hsm:suggested-modules': () => d().suggestedModules(),
    'hsm:select-module': (r) => d().select(r.modulePath),
  };
}

/**
 * The file dialogs main opens, so no screen asks for a typed path. The answer is only a choice: whatever then uses the
 * path (the witness key load, the module load, the export) applies its own checks to it as to any other path.
 */
export function dialogServices(chooseFile: ChooseFile | undefined, files: ChosenFiles): ServicesOf<DialogChannel> {
  return {
    'dialog:choose-file': async (request) => {
      const chosen = await (chooseFile ?? unavailable('file dialog'))(request);
      if (chosen === null) return null;
      const path = resolve(chosen);
      // Only what main's dialog gave may then be used for this purpose (chosen-files.ts).
      files.remember(request.purpose, path);
      return { path, name: basename(path) };
    },
  };
}

/** At most this many minimal coalitions are listed for a screen. */
const COALITION_LIMIT = 200;

export function toolServices(listDrives: (() => Promise<readonly RemovableDrive[]>) | undefined): ServicesOf<ToolChannel> {
  return {
    'usb:list-drives': () => (listDrives === undefined ? [] : listDrives()),

    'transcript:verify': ({ text }) => {
      const v = verifyTranscriptText(text);
      if (!v.ok) {
        return { valid: false, code: v.code, reason: v.reason, firstBadSeq: v.firstBadSeq, ceremonyId: v.ceremonyId ?? null, entryCount: v.entryCount ?? null };
      }
      const data = (kind: string): Record<string, unknown> => {
        const d = [...v.entries].reverse().find((e) => e.kind === kind)?.data;
        return typeof d === 'object' && d !== null && !Array.isArray(d) ? (d as Record<string, unknown>) : {};
      };
      const text_ = (x: unknown): string | null => (typeof x === 'string' ? x : null);
      return {
        valid: true,
        ceremonyId: v.ceremonyId,
        headHash: v.headHash,
        entries: v.entries.length,
        label: text_(data('plan')['label']),
        scheme: text_(data('plan')['scheme']),
        fingerprint: text_(data('split')['fingerprint']) ?? text_(data('generate')['fingerprint']) ?? text_(data('import')['fingerprint']),
        sealed: v.entries.some((e) => e.kind === 'seal'),
        aborted: v.entries.some((e) => e.kind === 'abort'),
        witnessesPinned: v.witnessesPinned,
        witnesses: v.witnesses.map((w) => ({ id: w.id, algorithm: w.algorithm, publicKey: w.publicKey })),
        // The steps as the window lists them for a file it checks itself (core/signed-steps.ts): the
        // sign-off records and witness signatures are the signers of the step they attest, not steps of their own.
        steps: signedSteps(v).map(({ entry, name, witnessIds }) => ({ seq: entry.seq, kind: entry.kind, name, at: entry.at, witnessIds: [...witnessIds] })),
      };
    },

    'plan:analyze': ({ plan }) => {
      let parsed;
      try {
        parsed = parsePlan(plan);
      } catch (e) {
        if (isKeyshardError(e) && e.code === 'POLICY_INVALID') {
          // A file that is not JSON has no list of problems: it is one problem of the whole file.
          const problems = Array.isArray(e.details?.['problems']) ? (e.details['problems'] as PolicyProblem[]) : [{ field: '', message: e.message, code: 'parse.notJson' as const, params: {} }];
          return { valid: false, problems, warnings: [], coalitions: null };
        }
        throw e;
      }
      return { valid: true, problems: [], warnings: validatePlan(parsed).warnings, coalitions: analyzeCoalitions(parsed, { limit: COALITION_LIMIT }) };
    },

    // A plan file the person chose in main's dialog (for a transcript's annotated script). Only a valid plan is
    // answered, so the page cannot use this to read other files.
    'plan:read-file': async ({ path }) => {
      if (!isAbsolute(path)) throw new KeyshardError('INVALID_ARGUMENT', 'The plan file is chosen in the file dialog. Choose it there again.');
      const text = await readGuardedText(path, { maxBytes: READ_CAPS.planFile, what: 'the plan file' });
      let plan;
      try {
        plan = parsePlan(text);
      } catch (e) {
        if (isKeyshardError(e) && e.code === 'POLICY_INVALID') {
          throw new KeyshardError('POLICY_INVALID', `${basename(path)} is not a keyshard plan (${e.message}). Choose the plan.json the ceremony saved beside its transcript.`);
        }
        throw e;
      }
      return { name: basename(path), plan: planToJson(plan) };
    },
  };
}
