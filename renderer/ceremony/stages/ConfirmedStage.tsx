import { CONFIRMATION_METHODS, CONFIRMATION_PROVES } from '../../../core/ceremony';
import { ScreenTitle } from '../../components/Shell';
import { useT } from '../../i18n';
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
  const t = useT();
  const receipt = status.receipts.find((r) => r.custodianId === custodianId);
  // A shard recorded for a bag is sealed in it (the receipt) before the next custodian's turn.
  const hold = receipt !== undefined && receipt.bagSerial !== null && !receipt.received ? t('confirmed.hold', { name }) : null;
  return (
    <>
      <ScreenTitle>{proves === 'write' ? t('confirmed.titleWrite', { name }) : t('confirmed.title', { name })}</ScreenTitle>
      <div className="summary-ok" data-testid="confirmed" data-custodian={custodianId} data-proves={proves}>
        {medium === 'usb' ? (
          <>
            <h2>{t('confirmed.usb', { name })}</h2>
            <p data-testid="confirmed-meaning">{t('confirmed.usbMeaning', { name })}</p>
          </>
        ) : medium === 'pkcs11' ? (
          <>
            <h2>{t('confirmed.token', { name })}</h2>
            <p data-testid="confirmed-meaning">{t('confirmed.tokenMeaning', { name })}</p>
          </>
        ) : (
          <>
            <h2>{t('confirmed.paper', { name })}</h2>
            <p data-testid="confirmed-meaning">{t('confirmed.paperMeaning', { name })}</p>
          </>
        )}
      </div>
      <ReceiptPanel status={status} setStatus={props.setStatus} custodianId={custodianId} name={name} witnessed={plan.witnesses.length > 0} />
      <SignOffPanel {...props} holdContinue={hold} continueLabel={left > 0 ? t('confirmed.next', { count: left }) : t('confirmed.toTest')} />
    </>
  );
}
