/**
 * Rules the renderer's source must keep, checked on the files themselves: nothing that reaches a network, nothing that
 * touches the clipboard (shard material must never go there), no inline HTML injection.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, test } from '@playwright/test';
import { ROOT } from './harness';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|tsx|html|css)$/.test(name) ? [p] : [];
  });
}

const files = sources(join(ROOT, 'renderer'));

const FORBIDDEN: readonly { what: string; pattern: RegExp }[] = [
  { what: 'clipboard access', pattern: /navigator\s*\.\s*clipboard|execCommand\s*\(\s*['"](copy|cut|paste)|clipboardData/ },
  { what: 'network calls', pattern: /\bfetch\s*\(|XMLHttpRequest|WebSocket|EventSource|sendBeacon/ },
  { what: 'remote URLs', pattern: /\b(https?|wss?|ftp):\/\/(?!www\.w3\.org)/ },
  { what: 'HTML injection', pattern: /dangerouslySetInnerHTML|\.innerHTML\s*=|insertAdjacentHTML|document\.write/ },
  { what: 'eval', pattern: /\beval\s*\(|new\s+Function\s*\(/ },
];

test('the renderer sources exist and none reaches the network, the clipboard, eval or raw HTML', () => {
  expect(files.length).toBeGreaterThan(20);
  const hits: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const rule of FORBIDDEN) {
      const m = rule.pattern.exec(text);
      if (m) hits.push(`${relative(ROOT, file)}: ${rule.what} (${m[0]})`);
    }
  }
  expect(hits).toEqual([]);
});
