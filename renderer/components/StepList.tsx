import { ceremonyStepList, type ListStep } from './ceremonySteps';
import { stepState, type CustodianProgress, type StepState } from './stepState';

export type { CeremonyStepId, CustodianProgress } from './stepState';

export type { StepState } from './stepState';

/**
 * The key ceremony's steps without a plan (an overview, e.g. before one is made): the catalogue's, as every ceremony
 * screen shows them. A ceremony's own list comes from its plan (ceremonyStepList).
 */
export const CEREMONY_STEPS: readonly ListStep[] = ceremonyStepList(null);

export const RECOVERY_STEPS = [
  { id: 'scan', label: 'Scan shards' },
  { id: 'recover', label: 'Recover the key' },
  { id: 'check', label: 'Check the fingerprint' },
] as const;

export type RecoveryStepId = (typeof RECOVERY_STEPS)[number]['id'];

interface Props<Id extends string> {
  readonly title: string;
  readonly steps: readonly { readonly id: Id; readonly label: string; readonly number?: number; readonly perCustodian?: boolean }[];
  /** Where the person is (announced as the current step, highlighted unless it is also done); null: not started. */
  readonly current: Id | null;
  /** Steps finished; by default every step before the current one. */
  readonly done?: readonly Id[];
  /** Listed under the step done per custodian (the handoff), one line per custodian. */
  readonly custodians?: readonly CustodianProgress[];
  /** The flow ended early at the current step: the list says so there, and nothing after it is to do. */
  readonly ended?: { readonly kind: 'aborted' | 'lost'; readonly note: string };
  /** Who acts and who watches the current step (the plan's roles), shown under it. */
  readonly people?: { readonly acts: string; readonly watches: string } | null;
}

const STATE_WORDS: Readonly<Record<StepState, string>> = {
  done: ' (done)',
  current: ' (current step)',
  todo: '',
  stopped: '',
  'not-reached': ' (not reached)',
};

const CUSTODIAN_MARK: Readonly<Record<CustodianProgress['state'], string>> = {
  waiting: '○',
  'handed-off': '◐',
  confirmed: '✓',
};

export function StepList<Id extends string>({ title, steps, current, done, custodians, ended, people }: Props<Id>) {
  return (
    <nav className="steps" aria-label={title} data-testid="step-list" data-ended={ended?.kind}>
      <h2>{title}</h2>
      {ended ? (
        <p className={`steps-ended ${ended.kind}`} data-testid="steps-ended">
          {ended.note}
        </p>
      ) : null}
      <ol>
        {steps.map((s, i) => {
          const state = stepState(steps, s.id, current, done, ended !== undefined);
          const here = s.id === current;
          // Steps done in turns with the one before (the receipt after the handoff) share its custodian list: shown once.
          const perCustodian = (s.perCustodian ?? s.id === 'handoff') && steps[i - 1]?.perCustodian !== true;
          return (
            <li
              key={s.id}
              className={`step ${state}${here && state === 'done' ? ' here' : ''}`}
              aria-current={here ? 'step' : undefined}
              data-testid={`step-${s.id}`}
              data-state={state}
            >
              <span className="step-marker" aria-hidden="true">
                {state === 'done' ? '✓' : state === 'stopped' ? '✕' : (s.number ?? i + 1)}
              </span>
              <span>
                {s.label}
                {state === 'stopped' && ended ? (
                  <span className="step-stopped-note"> — {ended.kind === 'aborted' ? 'aborted here' : 'secret lost here'}</span>
                ) : (
                  <span className="visually-hidden">{STATE_WORDS[state]}</span>
                )}
                {here && people && !ended ? (
                  <span className="step-people" data-testid="step-people">
                    <span data-testid="step-acts">Acts: {people.acts}</span>
                    {people.watches !== '' ? <span data-testid="step-watches">Watch: {people.watches}</span> : null}
                  </span>
                ) : null}
                {perCustodian && custodians && custodians.length > 0 ? (
                  <ul className="step-sub">
                    {custodians.map((c) => (
                      <li key={c.id} data-testid={`step-custodian-${c.id}`}>
                        <span aria-hidden="true">{CUSTODIAN_MARK[c.state]}</span> {c.name}
                        <span className="visually-hidden"> ({c.state})</span>
                      </li>
                    ))}
                  </ul>
                ) : null}
              </span>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
