import { useState } from 'react';
import { bagSerialDisplay } from '../../../core/bag-serial';
import { BagSerialField, bagSerialCheck } from '../../components/BagSerialField';
import { ErrorPanel } from '../../components/ErrorPanel';
import { useT } from '../../i18n';
import { ask } from '../api';
import type { StageProps } from '../context';
import { useAction } from '../useAction';

/**
 * Catalogue step 'receipt': the custodian seals their shard in its tamper-evident bag while the witness watches, the
 * serial is read off the sealed bag and typed again (main checks it is the one recorded at the handoff), and the
 * custodian signs the receipt line of their paper. Recorded in the transcript as the custodian's receipt. In a plan
 * without witnesses the administrator records it (the screen waits for it: stage.ts receiptWaiting); no signature.
 */
export function ReceiptPanel({
  status,
  setStatus,
  custodianId,
  name,
  witnessed,
  onAbsent,
}: Pick<StageProps, 'status' | 'setStatus'> & {
  readonly custodianId: string;
  readonly name: string;
  readonly witnessed: boolean;
  /** Opens the form that records the custodian absent at the receipt (they left with their shard before sealing it). */
  readonly onAbsent: () => void;
}) {
  const r = status.receipts.find((x) => x.custodianId === custodianId);
  const [typed, setTyped] = useState('');
  const { busy, error, run } = useAction();
  const t = useT();
  if (r === undefined) return null;
  const bag = r.bagSerial;
  if (r.received) {
    return (
      <div className="ok-item" role="status" data-testid="receipt-done">
        <p>{bag === null ? t('receipt.done', { name }) : t('receipt.doneBag', { name, bag: bagSerialDisplay(bag) })}</p>
      </div>
    );
  }
  if (r.absentSeq !== undefined) {
    // Not a bare blank: the words the annotated script prints for the same line.
    return (
      <div className="panel receipt-panel" role="status" data-testid="receipt-absent" data-seq={r.absentSeq}>
        <p>{t('receipt.absent', { name, seq: r.absentSeq })}</p>
      </div>
    );
  }
  const record = async (): Promise<void> => {
    const next = await run(() => ask('ceremony:receipt', { custodianId, ...(bag === null ? {} : { bagSerial: typed }) }));
    if (next !== undefined) setStatus(next);
  };
  return (
    <section className="panel receipt-panel" data-testid="receipt-panel" aria-labelledby="receipt-title">
      <h2 id="receipt-title">{t('receipt.title', { name })}</h2>
      <p>
        {bag === null
          ? t(witnessed ? 'receipt.text' : 'receipt.textAlone', { name })
          : t(witnessed ? 'receipt.textBag' : 'receipt.textBagAlone', { name, bag: bagSerialDisplay(bag) })}
      </p>
      {bag === null ? null : <BagSerialField value={typed} onChange={setTyped} testId="receipt-bag-serial" label={t('bag.receipt')} />}
      {error ? <ErrorPanel title={t('receipt.failed')} error={error.info} testId="receipt-error" focus /> : null}
      <div className="actions">
        <button type="button" className="button" disabled={busy || (bag !== null && bagSerialCheck(typed)?.ok !== true)} onClick={() => void record()} data-testid="receipt-record">
          {t('receipt.button', { name })}
        </button>
        <button type="button" className="button secondary" disabled={busy} onClick={onAbsent} data-testid="receipt-absent-open">
          {t('receipt.absentButton', { name })}
        </button>
      </div>
    </section>
  );
}
