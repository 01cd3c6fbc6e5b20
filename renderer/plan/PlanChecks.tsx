import type { CoalitionWarningKind } from '../../core/policy';
import { problemText, type FormProblem } from './problemWords';
import { language, useLanguage, useT } from '../i18n';
import { describeField } from './fieldWords';
import { domIdOf, sectionOf, type PlanCheckResult } from './check';
import { andList, groupWitnessWarnings, smallestCoalitions } from './coalitionView';
import { coalitionWarningText } from './coalitionWords';
import { coalitionSummary } from './coalitionSummary';
import { sentence } from './formKit';

export { describeField } from './fieldWords';


/**
 * Moves focus to the control a problem belongs to, from the to-do list: the field itself, else the closest enclosing
 * path that has a control (`custodians[0].shares[1]` -> `custodians[0].shares` -> ...), else the section.
 */
function focusField(field: string): void {
  let path = field;
  for (;;) {
    const el = document.getElementById(domIdOf(path));
    if (el) {
      el.scrollIntoView({ block: 'center' });
      el.focus();
      return;
    }
    const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    if (cut <= 0) break;
    path = path.slice(0, cut);
  }
  const section = document.getElementById(`section-${sectionOf(field)}`);
  section?.scrollIntoView({ block: 'start' });
  section?.focus();
}

function ToDo({ problems }: { problems: readonly FormProblem[] }) {
  const t = useT();
  const lang = useLanguage();
  return (
    <section className="panel problem-summary" data-testid="plan-todo" aria-labelledby="plan-todo-title">
      <h2 id="plan-todo-title">{t('plan.todo.title', { count: problems.length })}</h2>
      <ul>
        {problems.map((p, i) => (
          <li key={i} data-testid="plan-todo-item" data-field={p.field}>
            <button type="button" className="link-button" onClick={() => focusField(p.field)}>
              {describeField(p.field)}
            </button>
            {sentence(problemText(p, lang, describeField))}
          </li>
        ))}
      </ul>
    </section>
  );
}


interface Props {
  readonly check: PlanCheckResult;
  /** The problems to list now: those of fields the person has touched, or all after "Check the plan". */
  readonly shown: readonly FormProblem[];
  /** "Check the plan": every problem is shown (and the first one focused). */
  readonly onCheckAll: () => void;
}

/**
 * The live checks beside the form: the to-do list of what the person has touched (a blank plan opens calm, not with
 * every problem in red; "Check the plan" lists them all), then who could recover together: the warnings (a witness's
 * grouped, with the fix) and the smallest coalitions by name.
 */
export function PlanChecks({ check, shown, onCheckAll }: Props) {
  const { problems, analysis, warnings } = check;
  const coalitionWarnings = (analysis?.warnings ?? []).filter((w) => w.kind !== 'witness-can-assemble');
  const witnessGroups = analysis === null ? [] : groupWitnessWarnings(check.plan, analysis.warnings, language());
  const smallest = analysis === null ? null : smallestCoalitions(check.plan, analysis);
  const hidden = problems.length - shown.length;
  const t = useT();
  const kindLabel = (kind: CoalitionWarningKind): string => t(`plan.coalition.kind.${kind}`);
  return (
    // Focusable: on a short screen the column scrolls on its own, and a keyboard user must be able to scroll it too.
    <aside className="plan-side" aria-label={t('plan.checks.aria')} tabIndex={0}>
      {shown.length > 0 ? <ToDo problems={shown} /> : null}
      {hidden > 0 ? (
        <div className="plan-check-more" data-testid="plan-check-more">
          <p className="muted">
            {shown.length === 0 ? t('plan.checks.notYet') : t('plan.checks.more', { count: hidden })}
          </p>
          <button type="button" className="button secondary small" onClick={onCheckAll} data-testid="plan-check">
            {t('plan.checks.checkAll')}
          </button>
        </div>
      ) : null}
      <section className="panel" data-testid="coalition-panel" aria-labelledby="coalition-title" aria-live="polite">
        <h2 id="coalition-title">{t('plan.coalition.title')}</h2>
        {analysis === null ? (
          <p className="muted" data-testid="coalition-pending">
            {check.analysisError ? t('plan.coalition.failed', { code: check.analysisError.code, message: check.analysisError.message }) : t('plan.coalition.pending')}
          </p>
        ) : (
          <>
            {/* Warnings first: on a laptop screen they are what must be seen beside the form without scrolling. */}
            {coalitionWarnings.length === 0 && witnessGroups.length === 0 ? (
              <p className="ok-item" data-testid="coalition-ok">
                {t('plan.coalition.ok')}
              </p>
            ) : (
              <ul className="warning-list">
                {coalitionWarnings.map((w, i) => (
                  <li
                    key={i}
                    className={`warning-item${w.severity === 'critical' ? ' critical' : ''}`}
                    data-testid="coalition-warning"
                    data-kind={w.kind}
                    data-severity={w.severity}
                  >
                    <span className="warning-kind">{kindLabel(w.kind)}</span>
                    {coalitionWarningText(check.plan, w, language())}
                  </li>
                ))}
                {witnessGroups.map((g) => (
                  <li key={g.witnessId} className="warning-item critical" data-testid="coalition-warning" data-kind="witness-can-assemble" data-severity="critical" data-witness={g.witnessId}>
                    <span className="warning-kind">{kindLabel('witness-can-assemble')}</span>
                    {t('plan.coalition.witnessSees', { witness: g.witnessName, names: andList(g.custodianNames, t('plan.coalition.and')) })}
                    {g.coalitions.length > 0 ? <> ({g.coalitions.map((c) => c.join(' + ')).join('; ')})</> : null}.
                    <span className="warning-fix" data-testid="coalition-warning-fix">
                      <strong>{t('plan.coalition.toFix')}</strong> {g.fix}
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {warnings.length > 0 ? (
              <ul className="warning-list">
                {warnings.map((w, i) => (
                  <li key={i} className="warning-item" data-testid="plan-warning" data-kind={w.kind}>
                    <span className="warning-kind">{t(`plan.warning.${w.kind}`)}</span>
                    {w.message}
                  </li>
                ))}
              </ul>
            ) : null}
            {smallest !== null && smallest.listed.length > 0 ? (
              <div data-testid="coalition-smallest">
                <h3>{t('plan.coalition.smallest')}</h3>
                <ul className="coalition-list">
                  {smallest.listed.map((c, i) => (
                    <li key={i} data-testid="coalition">
                      {c.join(' + ')}
                    </li>
                  ))}
                </ul>
                {smallest.more > 0 || smallest.cut ? (
                  <p className="muted small" data-testid="coalition-more">
                    {smallest.more > 0 ? t('plan.coalition.more', { count: smallest.more }) : t('plan.coalition.maybeMore')}
                    {smallest.cut ? t('plan.coalition.cut') : '.'}
                  </p>
                ) : null}
              </div>
            ) : null}
            <p data-testid="coalition-summary">{coalitionSummary(analysis.summaryFacts, language())}</p>
          </>
        )}
      </section>
    </aside>
  );
}
