/**
 * Live camera preview with a frame guide, and QR decoding in a Web Worker. Every `intervalMs` the current video frame
 * is grabbed as an ImageBitmap and transferred to the worker - unless the worker is still busy with the previous one,
 * in which case the frame is dropped (frameGate). Decoded texts go to `onTexts`; nothing is kept here.
 *
 * Around camera use the page tells main (camera:allow / camera:release) so main's permission gate opens only while a
 * scan screen is open. Failures of those calls are ignored: the browser's own permission answer decides.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { tellMain } from '../bridge';
import { ErrorPanel } from '../components/ErrorPanel';
import type { ErrorInfo } from '../components/errors';
import { useT } from '../i18n';
import { CAMERA_PROBLEMS, CameraProblem, openCamera, stopStream } from './camera';
import { createFrameGate, type FrameGate, type FrameStats } from './frameGate';
import type { FromDecoder, ToDecoder } from './protocol';

export interface ScanStats extends FrameStats {
  /** Time the worker took to load the wasm decoder. */
  readonly initMs: number;
}

interface Props {
  /** Called for each frame in which a code was read; `frame` counts answered frames since the camera started. */
  readonly onTexts: (texts: readonly string[], frame: number) => void;
  /** How often a frame is grabbed (ms). 100 = at most 10 frames per second. */
  readonly intervalMs?: number;
  /** What the person should hold up, for the idle and scanning captions. */
  readonly what?: string;
}

type Phase = 'idle' | 'starting' | 'scanning' | 'error';

/** A frame stuck in the worker this long means the decoder hangs. */
const STALL_MS = 5000;
const INIT_TIMEOUT_MS = 15000;
/** Largest frame width sent to the decoder; bigger camera frames are scaled down first. */
const MAX_FRAME_WIDTH = 1280;

interface Session {
  stream: MediaStream | null;
  worker: Worker | null;
  timer: number | null;
  gate: FrameGate;
  nextId: number;
  initMs: number;
  stopped: boolean;
}

export function QrScanner({ onTexts, intervalMs = 100, what = 'the QR code' }: Props) {
  const video = useRef<HTMLVideoElement>(null);
  const session = useRef<Session | null>(null);
  const onTextsRef = useRef(onTexts);
  onTextsRef.current = onTexts;
  const [phase, setPhase] = useState<Phase>('idle');
  const [problem, setProblem] = useState<ErrorInfo | null>(null);
  const [stats, setStats] = useState<ScanStats | null>(null);

  const stop = useCallback((reason?: ErrorInfo) => {
    const s = session.current;
    session.current = null;
    if (s) {
      s.stopped = true;
      if (s.timer !== null) window.clearInterval(s.timer);
      s.worker?.terminate();
      stopStream(s.stream);
      setStats({ ...s.gate.stats(), initMs: s.initMs });
      void tellMain('camera:release');
    }
    if (video.current) video.current.srcObject = null;
    setPhase(reason ? 'error' : 'idle');
    setProblem(reason ?? null);
  }, []);

  const start = useCallback(async () => {
    if (session.current) return;
    const s: Session = { stream: null, worker: null, timer: null, gate: createFrameGate(), nextId: 1, initMs: 0, stopped: false };
    session.current = s;
    setPhase('starting');
    setProblem(null);
    await tellMain('camera:allow');
    try {
      s.stream = await openCamera();
      if (s.stopped) {
        stopStream(s.stream);
        return;
      }
      const el = video.current;
      if (el) {
        el.srcObject = s.stream;
        await el.play().catch(() => undefined);
      }
      s.worker = new Worker(new URL('./decoder.worker.ts', import.meta.url), { type: 'module', name: 'qr-decoder' });
      s.initMs = await waitReady(s.worker);
    } catch (e) {
      if (!s.stopped) stop(e instanceof CameraProblem ? e.info : CAMERA_PROBLEMS.decoder);
      return;
    }
    if (s.stopped) return;
    let lastStats = 0;
    s.worker.onmessage = (event: MessageEvent<FromDecoder>) => {
      const m = event.data;
      if (m.type !== 'result' || s.stopped) return;
      s.gate.finish(m.readMs + m.decodeMs, m.texts.length);
      const frame = s.gate.stats().decoded;
      if (m.texts.length > 0) onTextsRef.current(m.texts, frame);
      const now = performance.now();
      if (now - lastStats > 500) {
        lastStats = now;
        setStats({ ...s.gate.stats(), initMs: s.initMs });
      }
    };
    s.timer = window.setInterval(() => grab(s), intervalMs);
    setPhase('scanning');
  }, [intervalMs, stop]);

  const grab = (s: Session): void => {
    const now = performance.now();
    if (s.gate.stalled(now, STALL_MS)) {
      stop(CAMERA_PROBLEMS.stalled);
      return;
    }
    const el = video.current;
    if (!s.gate.tryBegin(now)) return;
    if (!el || el.readyState < 2 || el.videoWidth === 0 || !s.worker) {
      s.gate.cancel();
      return;
    }
    const scale = Math.min(1, MAX_FRAME_WIDTH / el.videoWidth);
    const options: ImageBitmapOptions =
      scale < 1 ? { resizeWidth: Math.round(el.videoWidth * scale), resizeHeight: Math.round(el.videoHeight * scale), resizeQuality: 'medium' } : {};
    createImageBitmap(el, options).then(
      (bitmap) => {
        if (s.stopped || !s.worker) {
          bitmap.close();
          return;
        }
        const message: ToDecoder = { type: 'frame', id: s.nextId++, bitmap };
        s.worker.postMessage(message, [bitmap]);
      },
      () => s.gate.cancel(),
    );
  };

  useEffect(() => () => stop(), [stop]);
  // "Start" and "Stop" replace each other; the focus the removed one had goes to the new one, not to the page.
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const active = document.activeElement;
    if (phase !== 'error' && (active === null || active === document.body)) button.current?.focus();
  }, [phase]);

  const running = phase === 'scanning' || phase === 'starting';
  const t = useT();
  return (
    <div className="scanner-wrap" data-testid="qr-scanner" data-phase={phase}>
      {problem ? <ErrorPanel title={t('scanner.failed')} error={problem} testId="camera-error" focus /> : null}
      <div className="scanner">
        <div className={running ? 'scanner-view' : 'scanner-view off'}>
          <video ref={video} muted playsInline aria-label={t('scanner.picture')} data-testid="scanner-video" hidden={!running} />
          {running ? (
            <div className="scanner-guide" aria-hidden="true">
              <span />
            </div>
          ) : (
            <div className="scanner-idle">
              <p>{t('scanner.off')}</p>
              <p>{t('scanner.offHow', { what })}</p>
            </div>
          )}
        </div>
        <p className="scanner-status" role="status" data-testid="scanner-status">
          {phase === 'starting'
            ? t('scanner.starting')
            : phase === 'scanning'
              ? t('scanner.hold', { what })
              : ''}
        </p>
        <div className="actions scanner-actions">
          {running ? (
            <button type="button" className="button secondary" ref={button} onClick={() => stop()} data-testid="scanner-stop">
              {t('scanner.stop')}
            </button>
          ) : (
            <button type="button" className="button" ref={button} onClick={() => void start()} data-testid="scanner-start" autoFocus>
              {phase === 'error' ? t('scanner.retry') : t('scanner.start')}
            </button>
          )}
        </div>
        <StatsLine stats={stats} />
      </div>
    </div>
  );
}

function StatsLine({ stats }: { stats: ScanStats | null }) {
  const t = useT();
  if (stats === null) return null;
  return (
    <details>
      <summary>{t('scanner.details')}</summary>
      <p
        data-testid="scanner-stats"
        data-decoded={stats.decoded}
        data-dropped={stats.dropped}
        data-with-text={stats.withText}
        data-mean-ms={stats.meanDecodeMs.toFixed(1)}
        data-max-ms={stats.maxDecodeMs.toFixed(1)}
        data-init-ms={stats.initMs.toFixed(0)}
      >
        {t('scanner.stats', {
          decoded: stats.decoded,
          withText: stats.withText,
          mean: stats.meanDecodeMs.toFixed(0),
          max: stats.maxDecodeMs.toFixed(0),
          dropped: stats.dropped,
          init: stats.initMs.toFixed(0),
        })}
      </p>
    </details>
  );
}

/** Starts the decoder and waits until its wasm is compiled. Resolves with the time it took. */
function waitReady(worker: Worker): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = window.setTimeout(() => reject(new Error('decoder init timeout')), INIT_TIMEOUT_MS);
    worker.onmessage = (event: MessageEvent<FromDecoder>) => {
      window.clearTimeout(timer);
      if (event.data.type === 'ready') resolve(event.data.initMs);
      else reject(new Error('decoder init failed'));
    };
    worker.onerror = () => {
      window.clearTimeout(timer);
      reject(new Error('decoder worker failed to load'));
    };
    const init: ToDecoder = { type: 'init' };
    worker.postMessage(init);
  });
}
