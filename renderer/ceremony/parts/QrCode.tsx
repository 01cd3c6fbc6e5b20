import { useEffect, useMemo, useRef, useState } from 'react';
import { displayLoopOfParts } from '../../../core/qr/display-loop-of-parts';
import { qrToSvg } from '../../../core/qr/index';
import { NO_COPY } from './noCopy';

/**
 * The frame rate of an animated code. Since the screen loops mixed parts after the plain ones (display-loop.ts), a part
 * a camera misses costs one more frame instead of a whole loop, so the code may run faster than a 10 fps camera's
 * "every part twice" (5): at 8 a part stays up 125 ms, one or two camera frames (bench/qr-animated.bench.ts, RESULTS.md).
 */
export const ANIMATED_QR_FPS = 8;

/** A code's SVG (core/qr) as an image URL: no HTML is injected, and the CSP allows data: images. */
export function qrImageUrl(text: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(qrToSvg(text, { margin: 4 }))}`;
}

interface Props {
  /** The single code, or the plain parts of an animated one (the screen adds the mixed parts of its display loop). */
  readonly frames: readonly string[];
  /** What the code holds, for the image's description (never the content). */
  readonly label: string;
  readonly testId?: string;
  readonly fps?: number;
}

/**
 * SECRET: one QR code, or an animated sequence of parts shown one after another at a steady rate (timed from the
 * clock, not by counting timer ticks, so a late tick does not slow the animation): the plain parts, then extra (mixed)
 * parts that fill whatever a camera missed, round again. A part counter says which part is on screen; Pause holds it.
 */
export function QrCode({ frames, label, testId = 'shard-qr', fps = ANIMATED_QR_FPS }: Props) {
  // The plain parts show at once; the extra parts (150-170 ms of work for a 21-32 part code) join after first paint.
  const [loop, setLoop] = useState<readonly string[]>(frames);
  useEffect(() => {
    setLoop(frames);
    if (frames.length < 3) return;
    const later = setTimeout(() => setLoop(displayLoopOfParts(frames)), 0);
    return () => clearTimeout(later);
  }, [frames]);
  // Each frame's image is drawn when first shown (a loop is three times the parts), then kept.
  const drawn = useMemo(() => new Map<number, string>(), [loop]);
  const urlAt = (i: number): string => {
    const text = loop[i];
    if (text === undefined) return ''; // no code (yet)
    let url = drawn.get(i);
    if (url === undefined) drawn.set(i, (url = qrImageUrl(text)));
    return url;
  };
  const plain = frames.length;
  const [index, setIndex] = useState(0);
  const shown = useRef(0);
  shown.current = index;
  const [paused, setPaused] = useState(false);
  const animated = loop.length > 1;

  useEffect(() => {
    if (!animated || paused) return;
    const period = 1000 / fps;
    // Resume from the part on screen (after a pause), then keep time from the clock.
    const start = performance.now() - shown.current * period;
    let raf = 0;
    const tick = (now: number): void => {
      setIndex(Math.floor((now - start) / period) % loop.length);
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [animated, paused, fps, loop.length]);

  const shownIndex = Math.min(index, loop.length - 1);
  const current = urlAt(shownIndex);
  const counter = shownIndex < plain ? `Part ${shownIndex + 1} of ${plain}` : `Extra part ${shownIndex + 1 - plain} of ${loop.length - plain}`;
  return (
    <figure
      className="qr-figure"
      data-testid={testId}
      data-must-see
      data-kind={animated ? 'animated' : 'single'}
      data-part={index + 1}
      data-parts={plain}
      data-frames={loop.length}
      data-fps={animated ? fps : 0}
    >
      <img className="qr-image shard-secret" src={current} alt={animated ? `${label}: animated QR code, ${counter.toLowerCase()}` : `${label}: QR code`} draggable={false} {...NO_COPY} />
      {animated ? (
        <figcaption className="qr-caption">
          <span className="part-counter" data-testid={`${testId}-counter`} aria-live="off">
            {counter}
          </span>
          <span className="qr-help">{fps} parts a second. Keep the camera on it until your device says it is complete.</span>
          <button type="button" className="button secondary small" onClick={() => setPaused((p) => !p)} data-testid={`${testId}-pause`}>
            {paused ? 'Play the animation' : 'Pause the animation'}
          </button>
        </figcaption>
      ) : null}
    </figure>
  );
}

/** For paper: every part of a code side by side (a printed animation is a grid of its parts). */
export function QrGrid({ frames, label }: { readonly frames: readonly string[]; readonly label: string }) {
  const urls = useMemo(() => frames.map(qrImageUrl), [frames]);
  return (
    <div className={`qr-grid parts-${Math.min(urls.length, 4)}`}>
      {urls.map((u, i) => (
        <figure key={i}>
          <img src={u} alt={urls.length > 1 ? `${label}: part ${i + 1} of ${urls.length}` : `${label}: QR code`} />
          {urls.length > 1 ? <figcaption>Part {i + 1} of {urls.length}</figcaption> : null}
        </figure>
      ))}
    </div>
  );
}
