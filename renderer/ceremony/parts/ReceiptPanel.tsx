import { useState } from 'react';
import { bagSerialDisplay } from '../../../core/bag-serial';
import { BagSerialField, bagSerialCheck } from '../../components/BagSerialField';
import { ErrorPanel } from '../../components/ErrorPanel';
import { ask } from '../api';
import type { StageProps } from '../context';
import { useAction } from '../useAction';

/**
 * Catalogue step 'receipt': the custodian seals their shard in its tamper-evident bag while the witness watches, the
 * serial is read off the sealed bag and typed again (main checks it is the one recorded at the handoff), and the
 * custodian signs the receipt line of their paper. Recorded in the transcript as the custodian's receipt.
 */
export function ReceiptPanel({ status, setStatus, custodianId, name }: Pick<StageProps, 'status' | 'setStatus'> & { readonly custodianId: string; readonly name: string }) {
  const r = status.receipts.find((x) => x.custodianId === custodianId);
  const [typed, setTyped] = useState('');
  const { busy, error, run } = useAction();
  if (r === undefined) return null;
  const bag = r.bagSerial;
  if (r.received) {
    return (
      <div className="ok-item" role="status" data-testid="receipt-done">
        <p>
          ✓ Receipt recorded: {name} {bag === null ? 'received their shard' : `sealed their shard in bag ${bagSerialDisplay(bag)}`} and signs the receipt line of their
          paper.
        </p>
      </div>
    );
  }
  const record = async (): Promise<void> => {
    const next = await run(() => ask('ceremony:receipt', { custodianId, ...(bag === null ? {} : { bagSerial: typed }) }));
    if (next !== undefined) setStatus(next);
  };
  return (
    <section className="panel receipt-panel" data-testid="receipt-panel" aria-labelledby="receipt-title">
      <h2 id="receipt-title">Receipt: {name} seals their shard</h2>
      <p>
        {bag === null
          ? `${name} takes their shard and signs the receipt line of their paper; a witness watches.`
          : `${name} puts their shard in bag ${bagSerialDisplay(bag)} and seals it; a witness watches. Read the serial off the sealed bag aloud and type it; then ${name} signs the receipt line of their paper.`}
      </p>
      {bag === null ? null : <BagSerialField value={typed} onChange={setTyped} testId="receipt-bag-serial" which="the sealed bag, as read off it" />}
      {error ? <ErrorPanel title="The receipt was not recorded" error={error.info} testId="receipt-error" focus /> : null}
      <div className="actions">
        <button type="button" className="button" disabled={busy || (bag !== null && bagSerialCheck(typed)?.ok !== true)} onClick={() => void record()} data-testid="receipt-record">
          Record {name}&apos;s receipt
        </button>
      </div>
    </section>
  );
}
