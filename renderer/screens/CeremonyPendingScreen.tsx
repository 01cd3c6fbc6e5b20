import type { CeremonyPlan } from '../../core/policy';
import { hrefOf } from '../app/routes';
import { ScreenTitle, Shell } from '../components/Shell';
import { CEREMONY_STEPS, StepList } from '../components/StepList';

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Where an accepted plan leads: the air-gap check, the first step the ceremony service in main runs. Until that
 * service is connected this screen says so plainly and keeps the plan (nothing is lost by coming here).
 */
export function CeremonyPendingScreen({ plan }: { plan: CeremonyPlan | null }) {
  return (
    <Shell
      purpose="Air-gap check: make sure this machine has no network before any secret exists"
      steps={
        <StepList
          title="Key ceremony"
          steps={CEREMONY_STEPS}
          current={plan ? 'airgap' : 'plan'}
          custodians={plan?.custodians.map((c) => ({ id: c.id, name: c.name, state: 'waiting' as const }))}
        />
      }
    >
      <ScreenTitle>Air-gap check</ScreenTitle>
      {plan ? (
        <>
          <p className="lead" data-testid="pending-plan">
            Plan accepted: <strong>{plan.label}</strong>, {count(plan.custodians.length, 'custodian')},{' '}
            {count(plan.witnesses.length, 'witness', 'witnesses')}.
          </p>
          <div className="notice" data-testid="ceremony-pending">
            <p>
              The ceremony steps run in the keyshard window&apos;s ceremony service, which this build does not have yet.
              Save the plan file now so the ceremony can start from it.
            </p>
          </div>
        </>
      ) : (
        <div className="notice" data-testid="ceremony-no-plan">
          <p>There is no plan yet. A ceremony starts from its plan.</p>
        </div>
      )}
      <div className="actions">
        <a className="button secondary" href={hrefOf('plan')} data-testid="back-to-plan">
          Back to the plan
        </a>
      </div>
    </Shell>
  );
}
