import { useState } from 'react';
import { CONFIRMATION_METHODS, CONFIRMATION_PROVES } from '../../../core/ceremony';
import { ceremonyScript, KEY_CEREMONY } from '../../../core/ceremony-kinds';
import { ScreenTitle } from '../../components/Shell';
import { useT } from '../../i18n';
import type { StageProps } from '../context';
import { custodianOf } from '../names';
import { SignOffPanel } from '../parts/SignOffPanel';
import { ReceiptPanel } from '../parts/ReceiptPanel';
import { ExceptionPanel } from '../parts/ExceptionPanel';
import { ask } from '../api';

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
  // The receipt (the shard sealed in its bag, when one was recorded) comes before the next custodian's turn, unless a
  // witness recorded the custodian absent at it: main refuses to go on without one of them (RECEIPT_NEEDED).
  const hold =
    receipt !== undefined && !receipt.received && receipt.absentSeq === undefined
      ? t(receipt.bagSerial !== null ? 'confirmed.hold' : 'confirmed.holdReceipt', { name })
      : null;
  // The custodian left before the receipt: the absence form has the screen to itself (one primary action in view).
  const [marking, setMarking] = useState(false);
  if (marking && hold !== null) {
    return (
      <>
        <ScreenTitle>{t('receipt.absentTitle', { name })}</ScreenTitle>
        <ExceptionPanel
          plan={plan}
          needed={{
            stepId: 'receipt',
            custodianId,
            deviation: 'custodian-absent',
            number: ceremonyScript(KEY_CEREMONY, plan).lines.find((l) => l.stepId === 'receipt' && l.custodianId === custodianId)?.number ?? '',
            what: t('receipt.absentWhat', { name }),
          }}
          submit={(act) => ask('ceremony:mark-absent', { custodianId, ...act })}
          setStatus={(s) => {
            setMarking(false);
            props.setStatus(s);
          }}
          onCancel={() => setMarking(false)}
        />
      </>
    );
  }
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
      <ReceiptPanel
        status={status}
        setStatus={props.setStatus}
        custodianId={custodianId}
        name={name}
        witnessed={plan.witnesses.length > 0}
        onAbsent={() => setMarking(true)}
      />
      <SignOffPanel {...props} holdContinue={hold} continueLabel={left > 0 ? t('confirmed.next', { count: left }) : t('confirmed.toTest')} />
    </>
  );
}
