/**
 * Test-side readers of what the ceremony screens produce: QR texts back to the shard inside (core's own decoders),
 * and a still or animated camera video made from the codes the page showed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import { readBarcodes } from 'zxing-wasm/reader';
import { zxingReady } from '../helpers/zxing';
import { decodeEnvelope, decodeSlip39Payload, EnvelopeScheme, envelopeToText, wipeEnvelope } from '../../core/envelope';
import { planToJson, type CeremonyPlan } from '../../core/policy';
import { createQrAssembler } from '../../core/qr/index';
import { mnemonicWords } from '../../core/slip39/index';
import type { PageGlobals } from './pages/page-globals';

export interface ShardFromQr {
  readonly words: string[] | undefined;
  readonly envelopeText: string;
  readonly custodianLabel: string;
  readonly ceremonyIdHex: string;
}

/** Reassembles QR texts (one code, or the parts of an animated one) into the shard envelope they carry. */
export function shardFromQr(texts: readonly string[]): ShardFromQr {
  const assembler = createQrAssembler();
  for (const t of texts) assembler.receive(t);
  const bytes = assembler.result();
  const env = decodeEnvelope(bytes);
  try {
    return {
      words: env.scheme === EnvelopeScheme.slip39 ? mnemonicWords(decodeSlip39Payload(env.payload)) : undefined,
      envelopeText: envelopeToText(env),
      custodianLabel: env.custodianLabel,
      ceremonyIdHex: Buffer.from(env.ceremonyId).toString('hex'),
    };
  } finally {
    wipeEnvelope(env);
    bytes.fill(0);
  }
}

/** Every QR code zxing finds in an image (PNG bytes), up to `max`. */
export async function readAllQrTexts(image: Uint8Array, max = 16): Promise<string[]> {
  await zxingReady();
  const results = await readBarcodes(image, { formats: ['QRCode'], maxNumberOfSymbols: max });
  return results.filter((r) => r.isValid).map((r) => r.text);
}

/**
 * Reads an animated code off the page the way a camera would: screenshots of the image, decoded with zxing, until
 * every plain part 1..parts was seen (or the time is up: generous, as a busy machine takes few screenshots a second).
 * Returns the texts by part number.
 */
export async function readAnimatedQr(image: Locator, parts: number, timeoutMs = 120_000): Promise<string[]> {
  const seen = new Map<number, string>();
  const until = Date.now() + timeoutMs;
  while (seen.size < parts && Date.now() < until) {
    for (const t of await readAllQrTexts(new Uint8Array(await image.screenshot()), 1)) {
      const m = /^UR:BYTES\/(\d+)-(\d+)\//i.exec(t);
      if (m && Number(m[1]) <= parts) seen.set(Number(m[1]), t);
    }
  }
  return [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t);
}

/**
 * Waits until the scanner has found a code in `more` further frames (its stats, which it updates twice a second): the
 * code stayed in view that long, however slowly this machine decodes. Instead of a pause before "not sent again".
 */
export async function moreFramesWithCode(page: Page, more = 3): Promise<void> {
  const stats = page.getByTestId('scanner-stats');
  const withText = async (): Promise<number> => Number(await stats.getAttribute('data-with-text'));
  const now = await withText();
  await expect.poll(withText).toBeGreaterThanOrEqual(now + more);
}

export interface FrameTiming {
  /** Part changes observed. */
  readonly changes: number;
  readonly fps: number;
  readonly meanMs: number;
  /** Largest distance of one interval from the mean. */
  readonly maxJitterMs: number;
}

/** One frame the page rendered (its requestAnimationFrame time) and the part of the animated code on it. */
export interface FrameSample {
  readonly t: number;
  readonly part: number;
}

/**
 * Samples the animated code's part on every frame the page renders, until the part has changed `changes` times and
 * the frames span `spanMs` of the page's clock: a state of the page's own frames, however few a busy machine renders.
 */
export async function sampleFrames(page: Page, testId: string, until: { readonly changes?: number; readonly spanMs?: number }): Promise<FrameSample[]> {
  return page.evaluate(
    ({ id, changes, spanMs }) =>
      new Promise<FrameSample[]>((resolve) => {
        const g = globalThis as unknown as PageGlobals;
        const el = g.document.querySelector(`[data-testid="${id}"]`)!;
        const out: FrameSample[] = [];
        let seen = 0;
        const tick = (t: number): void => {
          const part = Number(el.getAttribute('data-part'));
          const last = out[out.length - 1];
          if (last !== undefined && last.part !== part) seen++;
          out.push({ t, part });
          if (seen >= changes && t - out[0]!.t >= spanMs) resolve(out);
          else g.requestAnimationFrame(tick);
        };
        g.requestAnimationFrame(tick);
      }),
    { id: testId, changes: until.changes ?? 0, spanMs: until.spanMs ?? 0 },
  );
}

/**
 * Whether every sampled frame shows the part the clock gives, for one start time: part = floor((t - start) / period)
 * mod parts + 1, where t is the time of that frame or of one of the `lag` frames before it (the page commits a new
 * part after the frame that computed it). True for an animation timed from the clock, which catches a late frame up,
 * however late frames come; false for one that drifts (a part held too long or too short).
 */
export function keepsClockTime(samples: readonly FrameSample[], fps: number, parts: number, lag = 3): boolean {
  const period = 1000 / fps;
  const expected = (t: number, start: number): number => (((Math.floor((t - start) / period) % parts) + parts) % parts) + 1;
  // Where a start fits at all, one fits just inside a part boundary at a sampled frame: try exactly those.
  const starts = samples.flatMap((s) => Array.from({ length: parts }, (_, m) => s.t - m * period - 1e-6));
  for (const start of starts) {
    // The first frames may still show what a frame before the sampling computed.
    const fits = samples.every((s, k) => {
      if (k < lag) return true;
      for (let l = 0; l <= lag; l++) if (expected(samples[k - l]!.t, start) === s.part) return true;
      return false;
    });
    if (fits) return true;
  }
  return false;
}

/** Watches the part counter of an animated code for `ms` and measures how steady its frame rate is. */
export async function measureAnimation(page: Page, testId: string, ms: number): Promise<FrameTiming> {
  const times = await page.evaluate(
    ({ id, duration }) =>
      new Promise<number[]>((resolve) => {
        const g = globalThis as unknown as PageGlobals;
        const el = g.document.querySelector(`[data-testid="${id}"]`)!;
        const out: number[] = [];
        const obs = new g.MutationObserver(() => out.push(g.performance.now()));
        obs.observe(el, { attributes: true, attributeFilter: ['data-part'] });
        g.setTimeout(() => {
          obs.disconnect();
          resolve(out);
        }, duration);
      }),
    { id: testId, duration: ms },
  );
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  const meanMs = gaps.reduce((a, b) => a + b, 0) / Math.max(1, gaps.length);
  return { changes: times.length, fps: 1000 / meanMs, meanMs, maxJitterMs: Math.max(0, ...gaps.map((g) => Math.abs(g - meanMs))) };
}

/** A SLIP-39 2-of-3 plan (128-bit seed: 20 words a share) with fixed ids, saved as a plan file the plan screen loads. */
export function smallPlan(label = 'Vault key 2025'): CeremonyPlan {
  const custodian = (id: string, name: string, organisation: string, location: string, medium: 'paper' | 'screen-qr', member: number) => ({
    id,
    name,
    organisation,
    location,
    medium,
    protection: { type: 'none' as const },
    shares: [{ group: 0, member }],
  });
  return {
    version: 1,
    label,
    createdAt: '2025-03-01T09:00:00.000Z',
    secret: { type: 'new-seed', bits: 128 },
    scheme: { type: 'slip39', groupThreshold: 1, groups: [{ memberThreshold: 2, memberCount: 3 }] },
    custodians: [
      custodian('alice', 'Alice Meier', 'Acme', 'Zurich', 'paper', 0),
      custodian('bob', 'Bob Keller', 'Globex', 'Geneva', 'paper', 1),
      custodian('carol', 'Carol Rossi', 'Initech', 'Basel', 'screen-qr', 2),
    ],
    witnesses: [{ id: 'wendy', name: 'Wendy Wu', organisation: 'Notary Office', observes: 'all' }],
  };
}

export function writePlanFile(dir: string, plan: CeremonyPlan): string {
  const path = join(dir, `${plan.label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.plan.json`);
  writeFileSync(path, `${planToJson(plan)}\n`);
  return path;
}
