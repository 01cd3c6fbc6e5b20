#!/usr/bin/env node
// The licence of every package that ships with keyshard (production dependencies, as package-lock.json pins them),
// read from each installed package.json. Prints `name@version<TAB>licence` lines sorted by name, then a count per
// licence. Exits 1 if a package has no declared licence or one outside the allowed list, so a new dependency under
// an unexpected licence is noticed before it ships.
//
//   node build/licenses.mjs [--json]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
/** Permissive licences keyshard (MIT) can ship; anything else is listed as a problem to look at. */
const ALLOWED = new Set(['MIT', 'ISC', 'BSD-2-Clause', 'BSD-3-Clause', 'Apache-2.0', '0BSD', 'Unlicense', 'CC0-1.0']);
/**
 * Packages under another licence that were looked at, and why they may ship. A new version or a new package under
 * such a licence is a problem again until someone reviews it.
 */
const REVIEWED = new Map([
  [
    'openpgp@6.3.2',
    'LGPL-3.0-or-later: used unmodified as a library; the LGPL asks that a user can replace it with their own build, ' +
      'so its code must stay a separate, unminified module in what keyshard ships (or the source offer must cover it).',
  ],
]);

const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const rows = [];
for (const [path, entry] of Object.entries(lock.packages ?? {})) {
  if (path === '' || entry.dev || entry.devOptional || entry.link) continue;
  const manifest = join(root, path, 'package.json');
  const installed = existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')) : {};
  const name = installed.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
  const raw = entry.license ?? installed.license ?? (Array.isArray(installed.licenses) ? installed.licenses.map((l) => l.type ?? l).join(' OR ') : undefined);
  const license = typeof raw === 'string' ? raw : raw?.type ?? 'UNKNOWN';
  rows.push({ name, version: entry.version ?? installed.version ?? '?', license, optional: entry.optional === true, installed: existsSync(manifest) });
}
rows.sort((a, b) => (a.name === b.name ? a.version.localeCompare(b.version) : a.name.localeCompare(b.name)));

/** A licence expression is fine when every alternative of an OR has an allowed choice, and every part of an AND is allowed. */
function allowed(expr) {
  const clean = expr.replace(/[()]/g, ' ').trim();
  return clean.split(/\s+OR\s+/).some((alt) => alt.split(/\s+AND\s+/).every((id) => ALLOWED.has(id.trim())));
}

const needsReview = rows.filter((r) => !allowed(r.license));
const reviewed = needsReview.filter((r) => REVIEWED.has(`${r.name}@${r.version}`));
const problems = needsReview.filter((r) => !REVIEWED.has(`${r.name}@${r.version}`));
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ packages: rows, reviewed: reviewed.map((r) => ({ ...r, reason: REVIEWED.get(`${r.name}@${r.version}`) })), problems }, null, 2));
} else {
  for (const r of rows) console.log(`${r.name}@${r.version}\t${r.license}${r.optional ? '\t(optional)' : ''}${r.installed ? '' : '\t(not installed here)'}`);
  const counts = new Map();
  for (const r of rows) counts.set(r.license, (counts.get(r.license) ?? 0) + 1);
  console.log(`\n${rows.length} production packages: ${[...counts].sort((a, b) => b[1] - a[1]).map(([l, n]) => `${n} ${l}`).join(', ')}`);
  for (const r of reviewed) console.log(`reviewed: ${r.name}@${r.version} (${r.license}): ${REVIEWED.get(`${r.name}@${r.version}`)}`);
  if (problems.length) console.log(`licences to review: ${problems.map((r) => `${r.name}@${r.version} (${r.license})`).join(', ')}`);
}
process.exit(problems.length === 0 ? 0 : 1);
