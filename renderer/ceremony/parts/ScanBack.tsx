import { useCallback, useRef, useState } from 'react';
import { createQrAssembler, planQrFrames, planTexts, type QrProgress } from '../../../core/qr/index';
import { ProgressBar } from '../../components/ProgressBar';
import { QrScanner } from '../../scanner/QrScanner';

interface Props {
  /** What to hold up: "Carol's QR code". */
  readonly what: string;
  /** The code read, once complete: its single text, or the plain parts of an animated code. */
  readonly onComplete: (qrTexts: string[]) => void;
  readonly testId?: string;
}

/**
 * SECRET: scans a shard's QR code (single or animated) with the camera until every part is in, using core/qr's
 * assembler to know when it is complete. What goes to main is the code as read, in plain parts: the screen's loop also
 * shows mixed parts, and main takes only a few of those per request (core/qr/limits.ts); nothing is shown.
 */
export function ScanBack({ what, onComplete, testId = 'scan-back' }: Props) {
  const assembler = useRef(createQrAssembler());
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
          setProblem(r.error?.message ?? 'This code is not a keyshard shard.');
          continue;
        }
        if (r.status === 'progress') setProblem(null);
        if (r.status === 'complete') {
          const bytes = assembler.current.result();
          let read: string[];
          try {
            // The bytes read, framed again as keyshard frames them: one code, or the plain parts (at most 32).
            read = planTexts(planQrFrames(bytes));
          } finally {
            bytes.fill(0);
            assembler.current.reset();
          }
          setProblem(null);
          setDone(true);
          onComplete(read);
          return;
        }
      }
    },
    [done, onComplete],
  );

  const again = (): void => {
    assembler.current.reset();
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
