import { CONFIRMATION_METHODS, CONFIRMATION_PROVES } from '../../../core/ceremony';
import { ScreenTitle } from '../../components/Shell';
import type { StageProps } from '../context';
import { custodianOf } from '../names';
import { SignOffPanel } from '../parts/SignOffPanel';
import { ReceiptPanel } from '../parts/ReceiptPanel';

/**
 * A custodian's confirmation is in: what it shows, in plain words, and the witnesses who watched sign it. Only the
 * custodian's own act (giving the shard back, or unlocking their token with its PIN) is called proof that they hold
 * it; a USB read-back is a check of the write. The medium decides the method (CONFIRMATION_METHODS), so a reloaded
 * window says the same.
 */
export function ConfirmedStage(props: StageProps & { readonly custodianId: string }) {
  const { plan, status, custodianId } = props;
  const custodian = custodianOf(plan, custodianId);
  const name = custodian?.name ?? custodianId;
  const medium = custodian?.medium ?? 'paper';
  const proves = CONFIRMATION_PROVES[CONFIRMATION_METHODS[medium][0]!];
  const left = plan.custodians.length - status.confirmed.length;
  const receipt = status.receipts.find((r) => r.custodianId === custodianId);
  // A shard recorded for a bag is sealed in it (the receipt) before the next custodian's turn.
  const hold = receipt !== undefined && receipt.bagSerial !== null && !receipt.received ? `First record ${name}'s receipt: the bag is sealed and its serial typed again.` : null;
  return (
    <>
      <ScreenTitle>{proves === 'write' ? `${name}'s file is written and checked` : `${name} holds their shard`}</ScreenTitle>
      <div className="summary-ok" data-testid="confirmed" data-custodian={custodianId} data-proves={proves}>
        {medium === 'usb' ? (
          <>
            <h2>✓ keyshard read the file back from {name}&apos;s drive: it is exactly what was written.</h2>
            <p data-testid="confirmed-meaning">
              This checks the write, not that {name} can open the file: only {name}&apos;s own key opens it. {name} takes the drive and should
              check, with their key, that it opens before relying on it.
            </p>
          </>
        ) : medium === 'pkcs11' ? (
          <>
            <h2>✓ {name} unlocked their token with its PIN, and the shard keyshard read back from it is the one it stored.</h2>
            <p data-testid="confirmed-meaning">This shows the shard is on {name}&apos;s token and that {name} can open it.</p>
          </>
        ) : (
          <>
            <h2>✓ {name} gave their shard back from their own copy, and it matches the shard keyshard handed over.</h2>
            <p data-testid="confirmed-meaning">This proves {name} holds their shard. It is no longer shown anywhere on this computer&apos;s screen.</p>
          </>
        )}
      </div>
      <ReceiptPanel status={status} setStatus={props.setStatus} custodianId={custodianId} name={name} />
      <SignOffPanel {...props} holdContinue={hold} continueLabel={left > 0 ? `Continue to the next handoff (${left} left)` : 'Continue to the test recovery'} />
    </>
  );
}
