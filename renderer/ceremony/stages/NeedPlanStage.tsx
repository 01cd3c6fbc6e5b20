import { useState } from 'react';
import { parsePlan, type CeremonyPlan } from '../../../core/policy';
import { ErrorPanel } from '../../components/ErrorPanel';
import type { ErrorInfo } from '../../components/errors';
import { toErrorInfo } from '../../components/errors';
import { FilePicker } from '../../components/FilePicker';
import { ScreenTitle } from '../../components/Shell';
import type { Status } from '../api';
import { dirOf } from '../names';
import { planFits } from '../stage';

/** Plan files are a few KB. */
const MAX_PLAN_BYTES = 1_000_000;

interface Props {
  readonly status: Status;
  readonly onPlan: (plan: CeremonyPlan) => void;
  /** As a section of another screen rather than a screen of its own. */
  readonly inline?: boolean;
}

/**
 * A ceremony runs in main but this window does not know its plan (a new window after a restart): the person chooses
 * the plan file keyshard saved in the ceremony's folder. It is checked against what main says about the ceremony.
 */
export function NeedPlanStage({ status, onPlan, inline = false }: Props) {
  const [error, setError] = useState<ErrorInfo | null>(null);
  const folder = dirOf(status.transcript.path);
  const load = async (file: File): Promise<void> => {
    try {
      if (file.size > MAX_PLAN_BYTES) throw new Error('too large');
      const plan = parsePlan(await file.text());
      if (!planFits(plan, status)) {
        setError({
          code: 'POLICY_INVALID',
          message: `${file.name} is the plan "${plan.label}", not the plan of the running ceremony "${status.label ?? ''}".`,
          todo: `Choose plan.json in ${folder}.`,
        });
        return;
      }
      setError(null);
      onPlan(plan);
    } catch (e) {
      setError(toErrorInfo(e, `Choose plan.json in ${folder}: keyshard saved it there when the ceremony started.`));
    }
  };
  const body = (
    <>
      <p className={inline ? '' : 'lead'}>
        The ceremony <strong data-testid="need-plan-label">{status.label}</strong> (id <span className="mono">{status.ceremonyId}</span>) is running in
        keyshard, but this window does not have its plan, which names the custodians and witnesses. Choose the plan file keyshard saved next
        to the transcript: <span className="mono" data-testid="need-plan-path">{folder}/plan.json</span>.
      </p>
      <div className="actions top">
        <FilePicker label="Choose the ceremony's plan file" accept=".json,application/json" onFile={(f) => void load(f)} testId="need-plan-file" />
      </div>
      {error ? <ErrorPanel title="This plan file cannot be used" error={error} testId="need-plan-error" focus /> : null}
    </>
  );
  if (inline) return <section className="panel">{body}</section>;
  return (
    <>
      <ScreenTitle>Load the ceremony&apos;s plan</ScreenTitle>
      {body}
    </>
  );
}
