/**
 * Prints the page the way paper gets it: print media (only the print sheet shows), Chromium's PDF, then pdftoppm at
 * 150 dpi, as a scanner of the paper would see it. The PNGs of the pages go to artifacts/screens/<name>-p<N>.png.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { SCREENS_DIR } from './harness';

export interface Printed {
  /** PNG bytes of each printed page. */
  readonly pages: Uint8Array[];
  /** Where the PNGs were saved. */
  readonly files: string[];
  readonly pdfBytes: number;
  /** The text of each printed page (pdftotext -layout), to check what every page carries. */
  readonly texts: string[];
}

export async function printToPng(page: Page, name: string): Promise<Printed> {
  const dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-print-'));
  try {
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
    await page.emulateMedia({ media: null });
    const pdfPath = join(dir, `${name}.pdf`);
    writeFileSync(pdfPath, pdf);
    const r = spawnSync('pdftoppm', ['-r', '150', '-png', pdfPath, join(dir, 'page')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`pdftoppm failed: ${r.stderr}`);
    mkdirSync(SCREENS_DIR, { recursive: true });
    const pngs = readdirSync(dir).filter((f) => f.endsWith('.png')).sort();
    const files = pngs.map((f, i) => {
      const out = join(SCREENS_DIR, `${name}-p${i + 1}.png`);
      copyFileSync(join(dir, f), out);
      return out;
    });
    const texts = pngs.map((_, i) => {
      const t = spawnSync('pdftotext', ['-layout', '-f', String(i + 1), '-l', String(i + 1), pdfPath, '-'], { encoding: 'utf8' });
      if (t.status !== 0) throw new Error(`pdftotext failed: ${t.stderr}`);
      return t.stdout;
    });
    return { pages: pngs.map((f) => new Uint8Array(readFileSync(join(dir, f)))), files, pdfBytes: pdf.length, texts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
