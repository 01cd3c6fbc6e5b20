/**
 * Plan: what the ceremony makes, how it is split, who holds which share, who watches. Uses core/policy directly (pure,
 * no secrets): problems appear next to their fields, and in the to-do list beside the form, once a field was left or
 * the plan was checked (a save or continue checks it too); the coalition analysis beside the form updates as the plan
 * changes.
 */
import { useCallback, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { parsePlan, planToJson, type CeremonyPlan } from '../../core/policy';
import { problemText, type FormProblem } from './problemWords';
import { ErrorPanel } from '../components/ErrorPanel';
import { useLanguage, useT } from '../i18n';
import { toErrorInfo, type ErrorInfo } from '../components/errors';
import { FilePicker } from '../components/FilePicker';
import { ScreenTitle, Shell } from '../components/Shell';
import { CeremonyScript } from '../ceremony/parts/CeremonyScript';
import { ceremonyStepList } from '../components/ceremonySteps';
import { StepList } from '../components/StepList';
import { AssignmentSection } from './AssignmentSection';
import { checkPlan } from './check';
import { CustodiansSection } from './CustodiansSection';
import { ProblemContext, TextField, type ProblemView } from './formKit';
import { describeField, PlanChecks } from './PlanChecks';
import { PlanFileTooLarge, readPlanFile, savePlanFile, MAX_PLAN_FILE_BYTES } from './planFiles';
import { planToForm, type PlanForm } from './planForm';
import { SchemeSection } from './SchemeSection';
import { SecretSection } from './SecretSection';
import type { UpdateForm } from './types';
import { RolesSection } from './RolesSection';
import { WitnessesSection } from './WitnessesSection';

interface Props {
  readonly form: PlanForm;
  readonly setForm: (change: (form: PlanForm) => PlanForm) => void;
  /** Called with a valid plan when the person continues to the ceremony. */
  readonly onAccept: (plan: CeremonyPlan) => void;
}

type Notice = { readonly kind: 'saved'; readonly fileName: string } | { readonly kind: 'loaded'; readonly fileName: string };

export function PlanScreen({ form, setForm, onAccept }: Props) {
  const t = useT();
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [showAll, setShowAll] = useState(false);
  const [loadError, setLoadError] = useState<ErrorInfo | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  // Validation time for a plan not saved yet; the real time is taken when it is saved.
  const [checkTime] = useState(() => new Date().toISOString());

  const deferred = useDeferredValue(form);
  const check = useMemo(() => checkPlan(deferred, checkTime), [deferred, checkTime]);
  // The steps this plan will have, numbered as its script; the overview until the plan is valid.
  const steps = useMemo(() => ceremonyStepList(check.problems.length === 0 ? check.plan : null), [check]);
  // The plan the printed script was made from; any change to the form makes it stale, so it is dropped.
  const [scriptPlan, setScriptPlan] = useState<CeremonyPlan | null>(null);
  const [printRequests, setPrintRequests] = useState(0);
  useEffect(() => {
    if (printRequests > 0) window.print();
  }, [printRequests]);

  const update: UpdateForm = useCallback(
    (change) => {
      setNotice(null);
      setScriptPlan(null);
      setForm(change);
    },
    [setForm],
  );

  const lang = useLanguage();
  const problemView: ProblemView = useMemo(
    () => ({
      // Each problem under its field in the language shown (core's code and data, the catalogue's words).
      problemsAt: (paths: readonly string[], always = false): FormProblem[] =>
        check.problems
          .filter((p) => paths.includes(p.field) && (always || showAll || touched.has(p.field) || paths.some((x) => touched.has(x))))
          .map((p) => ({ ...p, message: problemText(p, lang, describeField) })),
      touch: (path: string) =>
        setTouched((t) => {
          if (t.has(path)) return t;
          const next = new Set(t);
          next.add(path);
          return next;
        }),
    }),
    [check.problems, showAll, touched, lang],
  );

  // The to-do list beside the form: only what the person has touched, until they check the whole plan.
  const shownProblems = useMemo(
    () => (showAll ? check.problems : check.problems.filter((p) => [...touched].some((t) => p.field === t || p.field.startsWith(`${t}.`) || p.field.startsWith(`${t}[`)))),
    [check.problems, showAll, touched],
  );
  const checkAll = (): void => {
    setShowAll(true);
    // After the list has rendered: its first item takes the focus (it sits in the sticky column beside the form).
    requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="plan-todo"] .link-button')?.focus());
  };

  /** The plan as it would be saved now, or null (and every problem shown) if it is not valid yet. */
  const validPlan = (): CeremonyPlan | null => {
    const now = checkPlan(form, form.createdAt ?? new Date().toISOString());
    if (now.problems.length > 0) {
      checkAll();
      return null;
    }
    return now.plan;
  };

  const save = (): void => {
    const plan = validPlan();
    if (plan === null) return;
    const saved = savePlanFile(planToJson(plan), plan.label);
    setForm((f) => ({ ...f, createdAt: plan.createdAt }));
    setNotice({ kind: 'saved', fileName: saved.fileName });
  };

  /** The script of the plan as it is now, printed; its date is kept so the plan saved or started later is this one. */
  const printScript = (): void => {
    const plan = validPlan();
    if (plan === null) return;
    setForm((f) => ({ ...f, createdAt: plan.createdAt }));
    setScriptPlan(plan);
    setPrintRequests((n) => n + 1);
  };

  const load = async (file: File): Promise<void> => {
    setNotice(null);
    setScriptPlan(null);
    try {
      const text = await readPlanFile(file);
      const plan = parsePlan(text);
      setForm(() => planToForm(plan));
      setTouched(new Set());
      setShowAll(false);
      setLoadError(null);
      setNotice({ kind: 'loaded', fileName: file.name });
    } catch (e) {
      setLoadError(
        e instanceof PlanFileTooLarge
          ? {
              code: 'POLICY_INVALID',
              message: t('plan.tooLarge', { file: file.name, size: Math.round(e.size / 1024), max: MAX_PLAN_FILE_BYTES / 1024 }),
              todo: t('plan.tooLarge.todo'),
            }
          : toErrorInfo(e, t('plan.load.todo')),
      );
    }
  };

  const proceed = (e: React.FormEvent): void => {
    e.preventDefault();
    const plan = validPlan();
    if (plan !== null) onAccept(plan);
  };

  return (
    <Shell
      purpose={t('plan.purpose')}
      steps={<StepList title={t('steps.keyCeremony')} steps={steps} current={null} />}
    >
      <ScreenTitle>{t('plan.title')}</ScreenTitle>
      <p className="lead">{t('plan.lead')}</p>
      <div className="actions top">
        <FilePicker label={t('plan.load')} accept=".json,application/json" onFile={(f) => void load(f)} testId="plan-load" variant="secondary" />
      </div>
      {loadError ? <ErrorPanel title={t('plan.loadFailed')} error={loadError} testId="plan-load-error" focus /> : null}
      {notice ? (
        <div className="ok-item" role="status" data-testid={`plan-${notice.kind}`}>
          {notice.kind === 'saved'
            ? t('plan.saved', { file: notice.fileName })
            : t('plan.loaded', { file: notice.fileName })}
        </div>
      ) : null}
      <ProblemContext.Provider value={problemView}>
        <form className="plan-layout" onSubmit={proceed} noValidate data-testid="plan-form">
          <div>
            <fieldset id="section-about" tabIndex={-1} data-testid="section-about">
              <legend>{t('plan.about.legend')}</legend>
              <TextField
                path="label"
                label={t('plan.label')}
                hint={t('plan.label.hint')}
                value={form.label}
                onChange={(v) => update((f) => ({ ...f, label: v }))}
              />
            </fieldset>
            <SecretSection form={form} update={update} />
            <SchemeSection form={form} update={update} />
            <CustodiansSection form={form} update={update} />
            <AssignmentSection form={form} update={update} />
            <WitnessesSection form={form} update={update} />
            <RolesSection form={form} update={update} />
            <div className="actions">
              <button type="submit" className="button" data-testid="plan-continue">
                {t('plan.continue')}
              </button>
              <button type="button" className="button secondary" data-testid="plan-save" onClick={save}>
                {t('plan.save')}
              </button>
              <button type="button" className="button secondary" data-testid="plan-print-script" onClick={printScript}>
                {t('plan.printScript')}
              </button>
            </div>
          </div>
          <PlanChecks check={check} shown={shownProblems} onCheckAll={checkAll} />
        </form>
      </ProblemContext.Provider>
      {scriptPlan ? <CeremonyScript plan={scriptPlan} /> : null}
    </Shell>
  );
}
