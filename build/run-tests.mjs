#!/usr/bin/env node
// Runs every test suite (or those named on the command line), streams their output,
// and ends with one line that sums them all: `N passed, N failed[, N skipped]`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function findTests(dir, excluded) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (excluded.some((x) => p.startsWith(join(root, x)))) continue;
    if (statSync(p).isDirectory()) out.push(...findTests(p, excluded));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

/** A check that is not a test file but must pass (typecheck); counts as one test. */
function runCheck(label, cmd, args) {
  console.log(`\n=== ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  const ok = r.status === 0;
  console.log(`${ok ? 'ok' : 'FAILED'}: ${label}`);
  return { passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 };
}

function runNodeSuite(label, dirs, excluded, env = {}) {
  const files = dirs.flatMap((d) => findTests(join(root, d), excluded));
  console.log(`\n=== ${label}: ${files.length} test files`);
  if (files.length === 0) return { passed: 0, failed: 1, skipped: 0, note: 'no test files found' };
  const tmp = mkdtempSync(join(tmpdir(), 'keyshard-tap-'));
  const tap = join(tmp, 'out.tap');
  const r = spawnSync(
    process.execPath,
    [
      '--import', 'tsx',
      '--test',
      '--test-concurrency=2',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`,
      ...files.map((f) => relative(root, f)),
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } },
  );
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  rmSync(tmp, { recursive: true, force: true });
  const count = (k) => Number(text.match(new RegExp(`^# ${k} (\\d+)$`, 'm'))?.[1] ?? 0);
  const res = {
    passed: count('pass'),
    failed: count('fail') + count('cancelled'),
    skipped: count('skipped') + count('todo'),
  };
  // A crashed runner with no summary must not look green.
  if (r.status !== 0 && res.failed === 0) res.failed = 1;
  return res;
}

/**
 * Runs one Playwright project with the list reporter (streamed) and the JSON reporter (counted). Skipped tests count as
 * skipped and their reasons are printed, so "no Electron binary" is visible in the summary rather than silently green.
 */
function runPlaywrightSuite(label, project) {
  console.log(`\n=== ${label}: playwright --project ${project}`);
  const tmp = mkdtempSync(join(tmpdir(), 'keyshard-pw-'));
  const jsonPath = join(tmp, 'report.json');
  const r = spawnSync(
    process.execPath,
    ['node_modules/@playwright/test/cli.js', 'test', '--config', 'playwright.config.ts', '--project', project, '--reporter', 'list,json'],
    { cwd: root, stdio: 'inherit', env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: jsonPath } },
  );
  let report = null;
  try {
    report = JSON.parse(readFileSync(jsonPath, 'utf8'));
  } catch {
    // no report: counted as a failure below
  }
  rmSync(tmp, { recursive: true, force: true });
  const stats = report?.stats ?? {};
  const res = {
    passed: (stats.expected ?? 0) + (stats.flaky ?? 0),
    failed: stats.unexpected ?? 0,
    skipped: stats.skipped ?? 0,
  };
  const reasons = new Set();
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        for (const a of t.annotations ?? []) if (a.type === 'skip' && a.description) reasons.add(a.description);
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report?.suites ?? []) walk(suite);
  if (reasons.size) res.note = `skipped: ${[...reasons].join('; ')}`;
  if (report === null || (r.status !== 0 && res.failed === 0)) {
    res.failed = Math.max(res.failed, 1);
    res.note = report === null ? 'no Playwright report' : `playwright exited ${r.status}`;
  }
  return res;
}

const suites = {
  typecheck: () => [
    runCheck('typecheck (all)', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']),
    runCheck('typecheck (core is pure: no Node, no DOM)', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'core/tsconfig.json']),
    runCheck('typecheck (renderer: DOM and JSX, no Node)', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'renderer/tsconfig.json']),
  ],
  unit: () => [runNodeSuite('unit, vectors, property, cli', ['test'], ['test/e2e', 'test/hsm', 'test/electron', 'test/security'])],
  // No network use (Node APIs trapped), fuzzing of every parser of outside input at a CI-sized count (FUZZ_RUNS).
  security: () => [runNodeSuite('security: no network, fuzzing', ['test/security'], [])],
  hsm: () => [runNodeSuite('hsm: SoftHSM2 integration', ['test/hsm'], [])],
  electron: () => [
    runNodeSuite('electron shell: hardening, app:// protocol, build', ['test/electron'], []),
    runPlaywrightSuite('electron window (Playwright)', 'electron'),
  ],
  // The renderer built with Vite, in Debian Chromium from file://, window.keyshard bridged to the real IPC handlers;
  // fake camera from .y4m files; screenshots to artifacts/screens/.
  e2e: () => [runPlaywrightSuite('renderer in Chromium (Playwright)', 'e2e')],
};

const wanted = process.argv.slice(2);
const names = wanted.length ? wanted : Object.keys(suites);
const total = { passed: 0, failed: 0, skipped: 0 };
for (const name of names) {
  const suite = suites[name];
  if (!suite) {
    console.error(`unknown suite "${name}"; known: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  for (const r of suite()) {
    total.passed += r.passed;
    total.failed += r.failed;
    total.skipped += r.skipped;
    console.log(`--- ${name}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped${r.note ? ` (${r.note})` : ''}`);
  }
}
console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(total.failed === 0 ? 0 : 1);
