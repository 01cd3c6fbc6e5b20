/**
 * Recovery, first step: scan each shard's QR code (single or animated). Scanned texts go through core/qr's assembler;
 * each complete shard goes to `onShardText` - the boundary the recovery service in main will sit behind - and the
 * screen shows only that it arrived (whose shard, which scheme), never the shard.
 */
import { useCallback, useRef, useState } from 'react';
import type { QrProgress } from '../../core/qr/assembler';
import { ErrorPanel } from '../components/ErrorPanel';
import { toErrorInfo, type ErrorInfo } from '../components/errors';
import { ProgressBar } from '../components/ProgressBar';
import { ScreenTitle, Shell } from '../components/Shell';
import { RECOVERY_STEPS, StepList } from '../components/StepList';
import { QrScanner } from '../scanner/QrScanner';
import { describeShardLocally, shardId, type ShardReceipt } from './receipts';
import { createShardCollector } from './shardCollector';

interface Props {
  /** Where a complete shard text goes. Resolves with what to show, or rejects with a KeyshardError. */
  readonly onShardText?: (text: string) => Promise<ShardReceipt>;
}

interface Received extends ShardReceipt {
  /** Frames answered by the decoder from this shard's first part to its last. */
  readonly frames: number;
  /** Plain parts of the code (1 for a single code). */
  readonly parts: number;
  /** Distinct parts read to complete it (an animated code may need more than `parts`). */
  readonly partsRead: number;
}

const EMPTY: QrProgress = { received: 0, expected: 0, recovered: 0, fraction: 0 };

function counterText(p: QrProgress): string {
  if (p.expected === 0) return 'No code read yet';
  if (p.expected === 1) return p.fraction >= 1 ? 'Single code read' : 'Reading a single code';
  return `${p.recovered} of ${p.expected} parts`;
}

export function RecoveryScreen({ onShardText = describeShardLocally }: Props) {
  const collector = useRef(createShardCollector());
  const startFrame = useRef(0);
  const seen = useRef(new Set<string>());
  const [progress, setProgress] = useState<QrProgress>(EMPTY);
  const [received, setReceived] = useState<readonly Received[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [shardError, setShardError] = useState<ErrorInfo | null>(null);

  const accept = useCallback(
    (text: string, frames: number, parts: number, partsRead: number) => {
      const id = shardId(text);
      if (seen.current.has(id)) {
        setNotice('This shard was already received. Show the next shard.');
        return;
      }
      onShardText(text).then(
        (receipt) => {
          seen.current.add(id);
          setShardError(null);
          setNotice(null);
          setReceived((list) => [...list, { ...receipt, frames, parts, partsRead }]);
        },
        (e: unknown) =>
          setShardError(toErrorInfo(e, "This code is not a shard of this ceremony. Show the shard's own keyshard QR code, or use its paper copy.")),
      );
    },
    [onShardText],
  );

  const onTexts = useCallback(
    (texts: readonly string[], frame: number) => {
      for (const text of texts) {
        const event = collector.current.receive(text);
        if (event.kind === 'duplicate') continue;
        if (event.kind === 'rejected') {
          setNotice(event.error.message);
          continue;
        }
        if (event.started) startFrame.current = frame;
        setProgress(event.progress);
        if (event.kind === 'complete') {
          accept(event.shardText, frame - startFrame.current + 1, event.progress.expected, event.progress.received);
        } else {
          setNotice(null);
        }
      }
    },
    [accept],
  );

  const complete = progress.expected > 0 && progress.fraction >= 1;
  return (
    <Shell purpose="Recover a key: scan the shards of a quorum of custodians" steps={<StepList title="Recovery" steps={RECOVERY_STEPS} current="scan" />}>
      <ScreenTitle focusOnMount={false}>Scan the shards</ScreenTitle>
      <p className="lead">Hold up one shard&apos;s QR code at a time. An animated code needs a few seconds in view.</p>
      <div className="scan-layout">
        <QrScanner onTexts={onTexts} what="one shard's QR code" />
        <div>
          <section className="panel" aria-labelledby="this-code" data-testid="scan-progress-panel">
            <h2 id="this-code">This code</h2>
            <p className="part-counter" data-testid="part-counter" aria-live="polite">
              {counterText(progress)}
            </p>
            <ProgressBar fraction={progress.fraction} label="Progress of this code" testId="scan-progress" complete={complete} />
            {complete ? (
              <p data-testid="scan-complete">
                <strong>Complete.</strong> Show the next shard&apos;s code.
              </p>
            ) : null}
            {notice ? (
              <p className="inline-warning" role="status" data-testid="scan-notice">
                {notice}
              </p>
            ) : null}
          </section>
          {shardError ? <ErrorPanel title="This shard was not accepted" error={shardError} testId="shard-error" /> : null}
          <section className="panel" aria-labelledby="received-title" data-testid="received-panel">
            <h2 id="received-title">Shards received ({received.length})</h2>
            {received.length === 0 ? (
              <p className="muted">None yet.</p>
            ) : (
              <ul className="received-list">
                {received.map((r) => (
                  <li key={r.id} data-testid="received-shard" data-frames={r.frames} data-parts={r.parts} data-parts-read={r.partsRead} data-scheme={r.scheme}>
                    <span className="tick" aria-hidden="true">
                      ✓
                    </span>
                    <span>
                      <strong>Shard of {r.custodianLabel}</strong>
                      <br />
                      <span className="muted">
                        {r.scheme} · ceremony {r.ceremony}… · {r.parts === 1 ? 'single code' : `${r.parts} parts`}
                      </span>
                    </span>
                  </li>
                ))}
              </ul>
            )}
            <p className="muted">The shards themselves are never shown. Recovering the key from them is the next step.</p>
          </section>
        </div>
      </div>
    </Shell>
  );
}
