/**
 * Shards by camera: the live preview with its frame guide (QrScanner), and core/qr's assembler (shardCollector) putting
 * the parts of an animated code together, with a bar that fills part by part. Each complete shard goes to `onShard`
 * at once as its envelope text (main checks it and answers accepted / duplicate / rejected); nothing is kept here.
 */
import { useCallback, useRef, useState } from 'react';
import type { QrProgress } from '../../core/qr/assembler';
import { ProgressBar } from '../components/ProgressBar';
import { useT, type T } from '../i18n';
import { QrScanner } from '../scanner/QrScanner';
import { createShardCollector } from './shardCollector';

export interface ScanFacts {
  /** Frames answered by the decoder from this shard's first part to its last. */
  readonly frames: number;
  /** Plain parts of the code (1 for a single code). */
  readonly parts: number;
  /** Distinct parts read to complete it (an animated code may need more than `parts`). */
  readonly partsRead: number;
}

/** What the codes in front of the camera are: a shard (default), or on the signing screens a commitment, the signing request or a signature share. */
export type CameraSubject = 'shard' | 'commitment' | 'request' | 'signatureShare';

interface Props {
  readonly onShard: (text: string, facts: ScanFacts) => void;
  readonly subject?: CameraSubject;
}

const EMPTY: QrProgress = { received: 0, expected: 0, recovered: 0, fraction: 0 };

function counterText(p: QrProgress, t: T): string {
  if (p.expected === 0) return t('camera.none');
  if (p.expected === 1) return p.fraction >= 1 ? t('camera.single') : t('camera.reading');
  return t('camera.parts', { recovered: p.recovered, expected: p.expected });
}

export function CameraInput({ onShard, subject = 'shard' }: Props) {
  const collector = useRef(createShardCollector());
  const startFrame = useRef(0);
  const [progress, setProgress] = useState<QrProgress>(EMPTY);
  const [notice, setNotice] = useState<string | null>(null);
  const onShardRef = useRef(onShard);
  const t = useT();
  onShardRef.current = onShard;

  const onTexts = useCallback((texts: readonly string[], frame: number) => {
    for (const text of texts) {
      const event = collector.current.receive(text);
      if (event.kind === 'duplicate') continue;
      if (event.kind === 'rejected') {
        setNotice(event.error.message);
        continue;
      }
      if (event.started) startFrame.current = frame;
      setProgress(event.progress);
      setNotice(null);
      if (event.kind === 'complete') {
        onShardRef.current(event.shardText, {
          frames: frame - startFrame.current + 1,
          parts: event.progress.expected,
          partsRead: event.progress.received,
        });
      }
    }
  }, []);

  const complete = progress.expected > 0 && progress.fraction >= 1;
  return (
    <div className="camera-input" data-testid="camera-input">
      <div className="this-code" data-testid="scan-progress-panel">
        <div className="this-code-head">
          <span className="visually-hidden">{t('camera.thisCode')}</span>
          <span className="part-counter" data-testid="part-counter" aria-live="polite">
            {counterText(progress, t)}
          </span>
          {complete ? (
            <span className="this-code-done" data-testid="scan-complete">
              {subject === 'shard' ? t('camera.complete') : t(`camera.complete.${subject}`)}
            </span>
          ) : progress.expected > 1 ? (
            <span className="muted">{t('camera.keep')}</span>
          ) : null}
        </div>
        <ProgressBar fraction={progress.fraction} label={t('camera.progress')} testId="scan-progress" complete={complete} />
        {notice ? (
          <p className="inline-warning" role="status" data-testid="scan-notice">
            {notice}
          </p>
        ) : null}
      </div>
      <QrScanner onTexts={onTexts} what={subject === 'shard' ? t('camera.what') : t(`camera.what.${subject}`)} />
    </div>
  );
}
