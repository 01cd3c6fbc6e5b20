import type { CoalitionWarningKind, PolicyProblem } from '../../core/policy';
import { ownValue } from '../../core/own';
import { domIdOf, sectionOf, type PlanCheckResult } from './check';
import { andList, groupWitnessWarnings, smallestCoalitions } from './coalitionView';
import { sentence } from './formKit';

const KIND_LABELS: Readonly<Record<CoalitionWarningKind, string>> = {
  'single-custodian': 'One person can recover',
  'same-organisation': 'One organisation can recover',
  'same-location': 'One location can recover',
  'witness-can-assemble': 'A witness could recover',
};

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

function ToDo({ problems }: { problems: readonly PolicyProblem[] }) {
  return (
    <section className="panel problem-summary" data-testid="plan-todo" aria-labelledby="plan-todo-title">
      <h2 id="plan-todo-title">Still to do ({problems.length})</h2>
      <ul>
        {problems.map((p, i) => (
          <li key={i} data-testid="plan-todo-item" data-field={p.field}>
            <button type="button" className="link-button" onClick={() => focusField(p.field)}>
              {describeField(p.field)}
            </button>
            {sentence(p.message)}
          </li>
        ))}
      </ul>
    </section>
  );
}

const FIELD_WORDS: Readonly<Record<string, string>> = {
  label: 'Ceremony name',
  name: 'name',
  organisation: 'organisation',
  location: 'location',
  medium: 'handoff',
  protection: 'protection',
  recipient: 'age recipient',
  publicKeyArmored: 'OpenPGP public key',
  tokenLabel: 'token label',
  shares: 'shares',
  observes: 'observed handoffs',
  id: 'name',
  type: 'type',
  curve: 'key type',
  bits: 'seed length',
  kind: 'kind of secret',
  lengthBytes: 'length',
  groupThreshold: 'groups needed',
  groups: 'groups',
  memberThreshold: 'shares needed',
  memberCount: 'shares made',
  threshold: 'signers needed',
  ciphersuite: 'ciphersuite',
  noWitnessReason: 'Reason for having no witness',
  witnesses: 'Witnesses',
  custodians: 'Share assignment',
  secret: 'The secret',
  scheme: 'The split',
};

/** "custodians[1].protection.recipient" -> "Custodian 2, age recipient", for people. */
export function describeField(field: string): string {
  if (field === '') return 'The plan';
  const parts: string[] = [];
  for (const segment of field.split('.')) {
    const indexed = /^(\w+)\[(\d+)\]$/.exec(segment);
    if (indexed) {
      const [, name = '', n = '0'] = indexed;
      const nth = Number(n) + 1;
      parts.push(
        name === 'custodians' ? `Custodian ${nth}` : name === 'witnesses' ? `Witness ${nth}` : name === 'groups' ? `group ${nth}` : `${ownValue(FIELD_WORDS, name) ?? name} ${nth}`,
      );
    } else if (segment === 'protection' && field.split('.').length > 2) {
      continue; // "protection.recipient" reads as "age recipient"
    } else if (parts.length === 0 && (segment === 'scheme' || segment === 'secret') && field.includes('.')) {
      parts.push(segment === 'scheme' ? 'Split' : 'Secret');
    } else {
      parts.push(ownValue(FIELD_WORDS, segment) ?? segment);
    }
  }
  const text = parts.join(', ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

interface Props {
  readonly check: PlanCheckResult;
  /** The problems to list now: those of fields the person has touched, or all after "Check the plan". */
  readonly shown: readonly PolicyProblem[];
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
  const witnessGroups = analysis === null ? [] : groupWitnessWarnings(check.plan, analysis.warnings);
  const smallest = analysis === null ? null : smallestCoalitions(check.plan, analysis);
  const hidden = problems.length - shown.length;
  return (
    // Focusable: on a short screen the column scrolls on its own, and a keyboard user must be able to scroll it too.
    <aside className="plan-side" aria-label="Plan checks" tabIndex={0}>
      {shown.length > 0 ? <ToDo problems={shown} /> : null}
      {hidden > 0 ? (
        <div className="plan-check-more" data-testid="plan-check-more">
          <p className="muted">
            {shown.length === 0 ? 'Problems are listed here once you fill in a field, or when you check the plan.' : `${hidden} more ${hidden === 1 ? 'thing' : 'things'} to check in fields not filled in yet.`}
          </p>
          <button type="button" className="button secondary small" onClick={onCheckAll} data-testid="plan-check">
            Check the plan
          </button>
        </div>
      ) : null}
      <section className="panel" data-testid="coalition-panel" aria-labelledby="coalition-title" aria-live="polite">
        <h2 id="coalition-title">Who could recover the secret together</h2>
        {analysis === null ? (
          <p className="muted" data-testid="coalition-pending">
            {check.analysisError ? `The analysis failed (${check.analysisError.code}): ${check.analysisError.message}` : 'Shown when the plan is complete.'}
          </p>
        ) : (
          <>
            {/* Warnings first: on a laptop screen they are what must be seen beside the form without scrolling. */}
            {coalitionWarnings.length === 0 && witnessGroups.length === 0 ? (
              <p className="ok-item" data-testid="coalition-ok">
                No single person, organisation, location or witness can recover the secret alone.
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
                    <span className="warning-kind">{KIND_LABELS[w.kind]}</span>
                    {w.message}
                  </li>
                ))}
                {witnessGroups.map((g) => (
                  <li key={g.witnessId} className="warning-item critical" data-testid="coalition-warning" data-kind="witness-can-assemble" data-severity="critical" data-witness={g.witnessId}>
                    <span className="warning-kind">{KIND_LABELS['witness-can-assemble']}</span>
                    Witness {g.witnessName} sees the shards of {andList(g.custodianNames)} handed over, and could assemble the quorum from them
                    {g.coalitions.length > 0 ? <> ({g.coalitions.map((c) => c.join(' + ')).join('; ')})</> : null}.
                    <span className="warning-fix" data-testid="coalition-warning-fix">
                      <strong>To fix:</strong> {g.fix}
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {warnings.length > 0 ? (
              <ul className="warning-list">
                {warnings.map((w, i) => (
                  <li key={i} className="warning-item" data-testid="plan-warning" data-kind={w.kind}>
                    <span className="warning-kind">{w.kind === 'no-witnesses' ? 'No witness' : 'Handoff not witnessed'}</span>
                    {w.message}
                  </li>
                ))}
              </ul>
            ) : null}
            {smallest !== null && smallest.listed.length > 0 ? (
              <div data-testid="coalition-smallest">
                <h3>The smallest groups that could recover it</h3>
                <ul className="coalition-list">
                  {smallest.listed.map((c, i) => (
                    <li key={i} data-testid="coalition">
                      {c.join(' + ')}
                    </li>
                  ))}
                </ul>
                {smallest.more > 0 || smallest.cut ? (
                  <p className="muted small" data-testid="coalition-more">
                    {smallest.more > 0 ? `And ${smallest.more} more of this size` : 'More may exist'}
                    {smallest.cut ? ' (the list was cut short to keep the check quick).' : '.'}
                  </p>
                ) : null}
              </div>
            ) : null}
            <p data-testid="coalition-summary">{analysis.summary}</p>
          </>
        )}
      </section>
    </aside>
  );
}
