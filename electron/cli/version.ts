/** The version `keyshard --version` prints: set by the bundle build; from package.json when run from source. */
import { readFileSync } from 'node:fs';

declare const __KEYSHARD_VERSION__: string | undefined;

export function keyshardVersion(): string {
  if (typeof __KEYSHARD_VERSION__ === 'string') return __KEYSHARD_VERSION__;
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0-dev';
  }
}
