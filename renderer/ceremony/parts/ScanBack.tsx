import { useCallback, useRef, useState } from 'react';
import { createQrAssembler, type QrProgress } from '../../../core/qr/index';
import { ProgressBar } from '../../components/ProgressBar';
import { QrScanner } from '../../scanner/QrScanner';

interface Props {
  /** What to hold up: "Carol's QR code". */
  readonly what: string;
  /** The texts of every part read (one for a single code), once the code is complete. */
  readonly onComplete: (qrTexts: string[]) => void;
  readonly testId?: string;
}

/**
 * SECRET: scans a shard's QR code (single or animated) with the camera until every part is in, using core/qr's
 * assembler to know when it is complete. The scanned texts go to main as they were read; nothing is shown.
 */
export function ScanBack({ what, onComplete, testId = 'scan-back' }: Props) {
  const assembler = useRef(createQrAssembler());
  const texts = useRef<string[]>([]);
  const [progress, setProgress] = useState<QrProgress>({ received: 0, expected: 0, recovered: 0, fraction: 0 });
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  const onTexts = useCallback(
    (found: readonly string[]) => {
      if (done) return;
      for (const t of found) {
        const r = assembler.current.receive(t);
        setProgress(r.progress);
        if (r.status === 'rejected') {
          // The assembler started over (parts that do not fit together): the texts kept so far go with it.
          if (r.progress.received === 0) texts.current = [];
          setProblem(r.error?.message ?? 'This code is not a keyshard shard.');
          continue;
        }
        if (r.status === 'progress' || r.status === 'complete') {
          texts.current.push(t);
          setProblem(null);
        }
        if (r.status === 'complete') {
          const all = texts.current;
          texts.current = [];
          assembler.current.reset();
          setDone(true);
          onComplete(all);
          return;
        }
      }
    },
    [done, onComplete],
  );

  const again = (): void => {
    assembler.current.reset();
    texts.current = [];
    setProgress({ received: 0, expected: 0, recovered: 0, fraction: 0 });
    setDone(false);
  };

  return (
    <div className="scan-back" data-testid={testId} data-done={done}>
      {done ? (
        <div className="ok-item" role="status" data-testid={`${testId}-read`}>
          <p>The code was read completely ({progress.expected === 1 ? 'a single code' : `${progress.expected} parts`}).</p>
          <button type="button" className="button secondary small" onClick={again} data-testid={`${testId}-again`}>
            Scan it again
          </button>
        </div>
      ) : (
        <>
          <QrScanner onTexts={onTexts} what={what} />
          <ProgressBar fraction={progress.fraction} label="Parts of the code read" testId={`${testId}-progress`} complete={done} />
          <p className="part-counter" data-testid={`${testId}-counter`}>
            {progress.expected === 0 ? 'No code read yet' : progress.expected === 1 ? 'Single code read' : `${progress.recovered} of ${progress.expected} parts read`}
          </p>
          {problem ? (
            <p className="inline-warning" role="status" data-testid={`${testId}-problem`}>
              {problem}
            </p>
          ) : null}
        </>
      )}
    </div>
  );
}
