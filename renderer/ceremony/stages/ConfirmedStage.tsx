import { ScreenTitle } from '../../components/Shell';
import type { StageProps } from '../context';
import { custodianName } from '../names';
import { SignOffPanel } from '../parts/SignOffPanel';

/** A custodian's confirmation is in: the witnesses who watched them sign it. */
export function ConfirmedStage(props: StageProps & { readonly custodianId: string }) {
  const { plan, status, custodianId } = props;
  const name = custodianName(plan, custodianId);
  const left = plan.custodians.length - status.confirmed.length;
  return (
    <>
      <ScreenTitle>{name} holds their shard</ScreenTitle>
      <div className="summary-ok" data-testid="confirmed" data-custodian={custodianId}>
        <h2>✓ keyshard compared what {name} gave back with the shard it handed over: they match.</h2>
        <p>The shard is no longer shown anywhere on this machine&apos;s screen.</p>
      </div>
      <SignOffPanel {...props} continueLabel={left > 0 ? `Continue to the next handoff (${left} left)` : 'Continue to the test recovery'} />
    </>
  );
}
