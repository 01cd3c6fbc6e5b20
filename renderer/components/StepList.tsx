import { stepState } from './stepState';

export type { StepState } from './stepState';

/** The ceremony's steps, always in view on ceremony screens, with the current one highlighted. */
export const CEREMONY_STEPS = [
  { id: 'plan', label: 'Plan' },
  { id: 'airgap', label: 'Air-gap' },
  { id: 'entropy', label: 'Entropy' },
  { id: 'generate', label: 'Generate' },
  { id: 'split', label: 'Split' },
  { id: 'handoff', label: 'Handoff & confirm' },
  { id: 'test-recovery', label: 'Test recovery' },
  { id: 'destroy', label: 'Destroy' },
  { id: 'seal', label: 'Seal' },
] as const;

export type CeremonyStepId = (typeof CEREMONY_STEPS)[number]['id'];

export const RECOVERY_STEPS = [
  { id: 'scan', label: 'Scan shards' },
  { id: 'recover', label: 'Recover the key' },
  { id: 'check', label: 'Check the fingerprint' },
] as const;

export type RecoveryStepId = (typeof RECOVERY_STEPS)[number]['id'];

export interface CustodianProgress {
  readonly id: string;
  readonly name: string;
  readonly state: 'waiting' | 'handed-off' | 'confirmed';
}

interface Props<Id extends string> {
  readonly title: string;
  readonly steps: readonly { readonly id: Id; readonly label: string }[];
  /** Where the person is (announced as the current step, highlighted unless it is also done). */
  readonly current: Id;
  /** Steps finished; by default every step before the current one. */
  readonly done?: readonly Id[];
  /** Listed under the handoff step, one line per custodian. */
  readonly custodians?: readonly CustodianProgress[];
}

const CUSTODIAN_MARK: Readonly<Record<CustodianProgress['state'], string>> = {
  waiting: '○',
  'handed-off': '◐',
  confirmed: '✓',
};

export function StepList<Id extends string>({ title, steps, current, done, custodians }: Props<Id>) {
  return (
    <nav className="steps" aria-label={title} data-testid="step-list">
      <h2>{title}</h2>
      <ol>
        {steps.map((s, i) => {
          const state = stepState(steps, s.id, current, done);
          const here = s.id === current;
          return (
            <li
              key={s.id}
              className={`step ${state}${here && state === 'done' ? ' here' : ''}`}
              aria-current={here ? 'step' : undefined}
              data-testid={`step-${s.id}`}
              data-state={state}
            >
              <span className="step-marker" aria-hidden="true">
                {state === 'done' ? '✓' : i + 1}
              </span>
              <span>
                {s.label}
                <span className="visually-hidden">{state === 'current' ? ' (current step)' : state === 'done' ? ' (done)' : ''}</span>
                {s.id === 'handoff' && custodians && custodians.length > 0 ? (
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
