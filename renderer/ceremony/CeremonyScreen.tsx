/**
 * The key ceremony, screen by screen. Main runs the ceremony (electron/services/ceremony through the ceremony:*
 * channels); this screen asks it for the status and shows the one screen that status calls for (stage.ts). Every
 * step's answer carries the new status, so the screen follows main, never its own guess.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { CeremonyPlan } from '../../core/policy';
import { KEY_CEREMONY } from '../../core/ceremony-kinds';
import { kindIn } from '../../core/ceremony-kinds/language';
import { ErrorPanel } from '../components/ErrorPanel';
import { t as tNow, useI18n } from '../i18n';
import type { ErrorInfo } from '../components/errors';
import { ScreenTitle, Shell } from '../components/Shell';
import { ceremonyStepList, listStepOfRecord, stepPeopleLines } from '../components/ceremonySteps';
import { StepList, type CeremonyStepId } from '../components/StepList';
import { ask, asErrorInfo, type HandoffView, type Status } from './api';
import type { StageProps, StepResults } from './context';
import { AbortPanel } from './parts/AbortPanel';
import { acceptedPlan, clearAcceptedPlan, rememberedPlan, rememberPlan } from './planStore';
import { LeaveGuard } from './parts/LeaveGuard';
import { checkpointKey, custodianProgress, planFits, stageOf, stepOf, stepsDone, stoppedAt, type Stage, type StartPart } from './stage';
import { AirGapStage } from './stages/AirGapStage';
import { ConfirmedStage } from './stages/ConfirmedStage';
import { ConfirmStage } from './stages/ConfirmStage';
import { DestroyStage } from './stages/DestroyStage';
import { AbortedStage, LostStage, NoPlanStage } from './stages/EndStages';
import { EntropyStage } from './stages/EntropyStage';
import { FingerprintStage } from './stages/FingerprintStage';
import { GenerateStage } from './stages/GenerateStage';
import { HandoffStage } from './stages/HandoffStage';
import { NeedPlanStage } from './stages/NeedPlanStage';
import { SealedStage } from './stages/SealedStage';
import { SealStage } from './stages/SealStage';
import { SplitStage } from './stages/SplitStage';
import { TestRecoveryStage } from './stages/TestRecoveryStage';
import { setLoadedFromMain } from './witnessKeys';


export function CeremonyScreen({ plan: accepted }: { readonly plan: CeremonyPlan | null }) {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState<Status | null>(null);
  const [loadError, setLoadError] = useState<ErrorInfo | null>(null);
  const [plan, setPlan] = useState<CeremonyPlan | null>(() => acceptedPlan() ?? accepted ?? rememberedPlan());
  const [results, setResults] = useState<StepResults>({});
  const [acknowledged, setAcknowledged] = useState<string | null>(null);
  const [handoff, setHandoffState] = useState<{ view: HandoffView | null; revealed: boolean }>({ view: null, revealed: false });
  // Which part of the first screen is next (tokens, witness keys, the start, the check): its own step in the list.
  const [startPart, setStartPart] = useState<StartPart>('plan');

  const reload = useCallback(async () => {
    try {
      setStatus(await ask('ceremony:status'));
      setLoadError(null);
    } catch (e) {
      setLoadError(asErrorInfo(e));
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  // A reloaded window forgets which witness keys were loaded; main still holds them (key files and token keys).
  useEffect(() => {
    void ask('ceremony:witness-keys').then(setLoadedFromMain, () => undefined);
  }, []);
  // Main drops every witness key when a ceremony ends (sealed, aborted): the next one asks for them again.
  const phase = status?.phase;
  useEffect(() => {
    if (phase === 'sealed' || phase === 'aborted') setLoadedFromMain([]);
  }, [phase]);
  const takePlan = useCallback((p: CeremonyPlan) => {
    rememberPlan(p);
    setPlan(p);
  }, []);

  // A plan just accepted on the plan screen starts a new ceremony, even when the last one here is sealed or aborted.
  const startingNew = acceptedPlan() !== null && (status?.phase === 'sealed' || status?.phase === 'aborted');
  useEffect(() => {
    if (status?.phase === 'active') clearAcceptedPlan();
  }, [status?.phase]);
  // The plan this window remembers may fit a ceremony resumed here better than one accepted earlier and not started.
  useEffect(() => {
    if (status === null || status.phase === 'not-started' || (plan !== null && planFits(plan, status))) return;
    const kept = rememberedPlan();
    if (kept !== null && kept !== plan && planFits(kept, status)) setPlan(kept);
  }, [status, plan]);
  const stage: Stage = startingNew ? { kind: 'airgap' } : stageOf(status, plan, acknowledged);
  // The shard display belongs to one custodian's handoff: anything else drops it.
  const stageCustodian = stage.kind === 'confirm' ? stage.custodianId : null;
  useEffect(() => {
    if (handoff.view !== null && handoff.view.custodianId !== stageCustodian) setHandoffState({ view: null, revealed: false });
  }, [handoff.view, stageCustodian]);

  const props: StageProps | null =
    status === null || plan === null
      ? null
      : {
          status,
          plan,
          results,
          setStatus,
          remember: (patch) => setResults((r) => ({ ...r, ...patch })),
          acknowledge: () => setAcknowledged(checkpointKey(status)),
          reload,
          handoff: handoff.view,
          revealed: handoff.revealed,
          setHandoff: (view, revealed) => setHandoffState({ view, revealed }),
        };

  // The list is the catalogue's steps this plan has, numbered as the printed script numbers them.
  // Only a plan that fits the running ceremony numbers its steps (a window may remember another ceremony's plan).
  const fitting = plan !== null && (status === null || status.phase === 'not-started' || planFits(plan, status)) ? plan : null;
  const list = useMemo(() => ceremonyStepList(fitting), [fitting]);
  const ended = status !== null && (stage.kind === 'lost' || stage.kind === 'aborted') ? stage.kind : null;
  const current: CeremonyStepId =
    status !== null && ended !== null
      ? stoppedAt(status, plan, list)
      : status !== null && stage.kind === 'need-plan'
        ? listStepOfRecord(list, status.lastStep ?? 'plan')
        : stepOf(stage, list, startPart);
  const order = list.map((s) => s.id);
  const done = stepsDone(stage, current, order, status, fitting);
  const turn = stage.kind === 'confirm' || stage.kind === 'confirmed' ? stage.custodianId : null;
  const people = fitting !== null && ended === null && stage.kind !== 'sealed' ? stepPeopleLines(fitting, current, turn) : null;
  const stoppedStep = list.find((s) => s.id === current);
  // The step's name as the list shows it: core's catalogue in the language chosen, by step id.
  const stoppedName = kindIn(KEY_CEREMONY, lang).steps.find((s) => s.id === current)?.screen ?? stoppedStep?.label ?? '';
  const endedNote =
    ended === null
      ? undefined
      : {
          kind: ended,
          note: t(ended === 'aborted' ? 'ceremony.endedAborted' : 'ceremony.endedLost', { number: stoppedStep?.number ?? '?', step: stoppedName }),
        };
  const active = status?.phase === 'active';

  return (
    <Shell
      purpose={t(`ceremony.purpose.${stage.kind}`)}
      steps={
        <StepList title={t('steps.keyCeremony')} steps={list} current={current} done={done} custodians={custodianProgress(plan, status)} ended={endedNote} people={people} />
      }
    >
      {loadError ? (
        <>
          <ScreenTitle>{t('steps.keyCeremony')}</ScreenTitle>
          <ErrorPanel title={t('ceremony.statusFailed')} error={loadError} testId="status-error" focus>
            <button type="button" className="button" onClick={() => void reload()} data-testid="status-retry">
              {t('ceremony.askAgain')}
            </button>
          </ErrorPanel>
        </>
      ) : (
        <div className="stage" data-testid="stage" data-stage={stage.kind}>
          {renderStage(stage, props, status, plan, takePlan, setStatus, setStartPart, fitting)}
          {/* During a handoff, "Start screen" asks first. */}
          {stage.kind === 'handoff' || stage.kind === 'confirm' ? <LeaveGuard /> : null}
        </div>
      )}
      {active && stage.kind !== 'lost' ? (
        <footer className="stage-footer">
          {/* A way out when the screen is behind main (another window moved on): closed, as it is rarely needed. */}
          <details className="stage-tools" data-testid="status-tools">
            <summary>{t('ceremony.outOfDate')}</summary>
            <button type="button" className="button secondary small" onClick={() => void reload()} data-testid="status-reload">
              {t('ceremony.reload')}
            </button>
          </details>
          <AbortPanel plan={plan} setStatus={setStatus} />
        </footer>
      ) : null}
    </Shell>
  );
}

function renderStage(
  stage: Stage,
  props: StageProps | null,
  status: Status | null,
  plan: CeremonyPlan | null,
  onPlan: (p: CeremonyPlan) => void,
  setStatus: (s: Status) => void,
  onStartPart: (part: StartPart) => void,
  fitting: CeremonyPlan | null,
): React.ReactNode {
  if (status === null) return <p className="muted">{tNow('ceremony.asking')}</p>;
  switch (stage.kind) {
    case 'loading':
      return null;
    case 'no-plan':
      return <NoPlanStage />;
    case 'need-plan':
      return <NeedPlanStage status={status} onPlan={onPlan} />;
    case 'sealed':
      return <SealedStage status={status} plan={plan} onPlan={onPlan} />;
    case 'aborted':
      // Keyed by the entry count: the abort's exception adds entries, and the saved file is read (and checked) again.
      return <AbortedStage key={status.transcript.entries} status={status} plan={fitting} onPlan={onPlan} setStatus={setStatus} />;
    case 'lost':
      return <LostStage status={status} plan={fitting} setStatus={setStatus} onPlan={onPlan} />;
  }
  if (props === null) return <NeedPlanStage status={status} onPlan={onPlan} />;
  switch (stage.kind) {
    case 'airgap':
      return <AirGapStage {...props} onStartPart={onStartPart} />;
    case 'entropy':
      return <EntropyStage {...props} />;
    case 'generate':
      return <GenerateStage {...props} />;
    case 'fingerprint':
      return <FingerprintStage {...props} />;
    case 'split':
      return <SplitStage {...props} />;
    case 'handoff':
      return <HandoffStage {...props} />;
    case 'confirm':
      return <ConfirmStage {...props} custodianId={stage.custodianId} />;
    case 'confirmed':
      return <ConfirmedStage {...props} custodianId={stage.custodianId} />;
    case 'test-recovery':
      return <TestRecoveryStage {...props} />;
    case 'destroy':
      return <DestroyStage {...props} />;
    case 'seal':
      return <SealStage {...props} />;
  }
}
