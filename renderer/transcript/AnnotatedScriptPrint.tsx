import { useState } from 'react';
import { checkKindSteps } from '../../core/ceremony-kinds/transcript-steps';
import { isRecordedPlan } from '../../core/ceremony-kinds/recorded-plan';
import { KeyshardError } from '../../core/errors';
import { parsePlan, type CeremonyPlan } from '../../core/policy';
import type { VerifyOk } from '../../core/transcript';
import { call } from '../../electron/ipc/client';
import { AnnotatedScript } from '../ceremony/parts/AnnotatedScript';
import { useAction } from '../ceremony/useAction';
import { ChooseFileButton, type ChosenFile } from '../components/ChooseFileButton';
import { ErrorPanel } from '../components/ErrorPanel';
import { useI18n } from '../i18n';

interface Props {
  /** A transcript whose links and signatures hold (the verdict above says whether it is sealed). */
  readonly verified: VerifyOk;
}

/**
 * The verify screen's annotated script: the transcript alone has no step numbers or names, so the person chooses the
 * ceremony's plan in main's dialog; it must be the plan entry 1 recorded (the same rule as `keyshard transcript verify
 * --script --plan`), or the paper would put this plan's people beside another ceremony's steps. Then the sealed
 * screen's print sheet (AnnotatedScript) prints it, with the sign-off page.
 */
export function AnnotatedScriptPrint({ verified }: Props) {
  const { t } = useI18n();
  const [plan, setPlan] = useState<{ name: string; plan: CeremonyPlan } | null>(null);
  const { busy, error, run } = useAction();
  // The catalogue of the kind the plan entry names (the CLI's rule); a file whose steps do not fit it prints nothing.
  const steps = checkKindSteps(verified.entries);
  if (!steps.ok) return null;

  const load = async (file: ChosenFile): Promise<void> => {
    setPlan(null);
    await run(async () => {
      const read = await call('plan:read-file', { path: file.path });
      const parsed = parsePlan(read.plan);
      if (!isRecordedPlan(verified.entries, parsed)) {
        throw new KeyshardError(
          'POLICY_INVALID',
          `${read.name} is not the plan this transcript recorded (its SHA-256 differs from entry 1's), so its step numbers and names would not match the record.`,
        );
      }
      setPlan({ name: read.name, plan: parsed });
    });
  };

  return (
    <section className="panel" data-testid="verify-annotated" aria-labelledby="verify-annotated-title">
      <h2 id="verify-annotated-title">{t('verify.script.title')}</h2>
      <p className="hint">{t('verify.script.hint')}</p>
      <div className="inline-form">
        <ChooseFileButton
          purpose="plan-file"
          label={busy ? t('verify.script.reading') : plan === null ? t('verify.script.choose') : t('verify.script.chooseAgain')}
          onChosen={load}
          onError={(e) => void run(() => Promise.reject(e))}
          // Secondary, as the print button: choosing a transcript stays the screen's one primary action.
          variant="secondary"
          disabled={busy}
          testId="verify-plan-file"
        />
        {plan !== null ? (
          <>
            <span className="chosen-file" data-testid="verify-plan-name">
              {t('verify.script.planOk', { name: plan.name })}
            </span>
            <button type="button" className="button secondary" onClick={() => window.print()} data-testid="verify-print-annotated">
              {t('sealed.printAnnotated')}
            </button>
          </>
        ) : null}
      </div>
      {error ? (
        <ErrorPanel
          title={t('verify.script.failed')}
          error={error.info.code === 'POLICY_INVALID' ? { ...error.info, todo: t('verify.script.todo') } : error.info}
          testId="verify-plan-error"
          focus
        />
      ) : null}
      {plan !== null ? <AnnotatedScript kind={steps.kind} plan={plan.plan} verified={verified} /> : null}
    </section>
  );
}
