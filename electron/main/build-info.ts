/**
 * Facts fixed at build time by build/build-electron.mjs (esbuild `define`). When the sources run unbundled (tests),
 * the identifiers do not exist and the fallbacks apply.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

declare const __KEYSHARD_VERSION__: string;

export const KEYSHARD_VERSION: string = typeof __KEYSHARD_VERSION__ === 'string' ? __KEYSHARD_VERSION__ : '0.0.0-dev';

/** The SHA-256 of the renderer bundle and of the main bundle (main + preload), 64 lowercase hex each. */
export interface BuildAttestation {
  readonly renderer: string;
  readonly main: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * The bundle hashes from out/build-manifest.json (written by build/build-manifest.mjs after the build), or null when
 * there is none or it is not one we wrote: a development run from sources has no build to attest, and says so.
 */
export function readBuildAttestation(outDir: string): BuildAttestation | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(join(outDir, 'build-manifest.json'), 'utf8'));
  } catch {
    return null;
  }
  const m = parsed as { format?: unknown; renderer?: { sha256?: unknown }; main?: { sha256?: unknown } } | null;
  const renderer = m?.renderer?.sha256;
  const main = m?.main?.sha256;
  if (m?.format !== 'keyshard-build-manifest/1' || typeof renderer !== 'string' || typeof main !== 'string') return null;
  if (!HEX64.test(renderer) || !HEX64.test(main)) return null;
  return { renderer, main };
}
