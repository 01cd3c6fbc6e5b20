import { KEY_CEREMONY } from '../../core/ceremony-kinds';
import { kindIn } from '../../core/ceremony-kinds/language';
import { useI18n, type PlainKey } from '../i18n';
import { ceremonyStepList, type ListStep } from './ceremonySteps';
// German's long compounds in the step-list title (the rule applies under <html lang="de"> only).
import '../i18n/german.css';
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

const STATE_WORDS: Readonly<Record<StepState, PlainKey | null>> = {
  done: 'steps.done',
  current: 'steps.current',
  todo: null,
  stopped: null,
  'not-reached': 'steps.notReached',
};

const CUSTODIAN_WORDS: Readonly<Record<CustodianProgress['state'], PlainKey>> = {
  waiting: 'steps.custodian.waiting',
  absent: 'steps.custodian.absent',
  'handed-off': 'steps.custodian.handedOff',
  confirmed: 'steps.custodian.confirmed',
};

const CUSTODIAN_MARK: Readonly<Record<CustodianProgress['state'], string>> = {
  waiting: '○',
  absent: '–',
  'handed-off': '◐',
  confirmed: '✓',
};

export function StepList<Id extends string>({ title, steps, current, done, custodians, ended, people }: Props<Id>) {
  const { t, lang } = useI18n();
  // The key ceremony's list comes with the catalogue's English words (its callers are pure); its words in the chosen
  // language are the catalogue's too, by step id.
  const local = lang === 'en' ? null : kindIn(KEY_CEREMONY, lang);
  const shownTitle = local !== null && title === KEY_CEREMONY.title ? local.title : title;
  const labelOf = (id: string, label: string): string => local?.steps.find((k) => k.id === id)?.screen ?? label;
  return (
    // Focusable: with many custodians the list scrolls on a laptop screen, and a keyboard must be able to scroll it too.
    <nav className="steps" aria-label={shownTitle} data-testid="step-list" data-ended={ended?.kind} tabIndex={0}>
      <h2>{shownTitle}</h2>
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
          const perCustodian = s.perCustodian === true && steps[i - 1]?.perCustodian !== true;
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
                {labelOf(s.id, s.label)}
                {state === 'stopped' && ended ? (
                  <span className="step-stopped-note"> — {t(ended.kind === 'aborted' ? 'steps.abortedHere' : 'steps.lostHere')}</span>
                ) : (
                  <span className="visually-hidden">{STATE_WORDS[state] === null ? '' : t(STATE_WORDS[state])}</span>
                )}
                {here && people && !ended ? (
                  <span className="step-people" data-testid="step-people">
                    <span data-testid="step-acts">{t('steps.acts', { people: people.acts })}</span>
                    {people.watches !== '' ? <span data-testid="step-watches">{t('steps.watch', { people: people.watches })}</span> : null}
                  </span>
                ) : null}
                {perCustodian && custodians && custodians.length > 0 ? (
                  <ul className="step-sub">
                    {custodians.map((c) => (
                      <li key={c.id} data-testid={`step-custodian-${c.id}`}>
                        <span aria-hidden="true">{CUSTODIAN_MARK[c.state]}</span> {c.name}
                        {/* An absence is said in words on screen too: the mark alone would not tell it from waiting. */}
                        <span className={c.state === 'absent' ? undefined : 'visually-hidden'}> ({t(CUSTODIAN_WORDS[c.state])})</span>
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
