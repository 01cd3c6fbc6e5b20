/**
 * Build attestation (issue 16.5): main reads the bundle hashes from out/build-manifest.json (only a manifest it could
 * have written), the ceremony service records them in the plan entry of every transcript, and core refuses anything
 * that is not two SHA-256 values. A run from sources records `build: null`, never an invented hash.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { KeyshardError } from '../../core/errors';
import type { CeremonyPlan } from '../../core/policy';
import { readBuildAttestation } from '../../electron/main/build-info';
import { cleanTemps, rig, tempDir, unwitnessedPlan } from './ceremony-harness';

after(cleanTemps);

const RENDERER = 'ab'.repeat(32);
const MAIN = 'cd'.repeat(32);

const plan = (): CeremonyPlan => unwitnessedPlan({ type: 'new-seed', bits: 128 }, 'slip39', 'ed25519', 'attested');

function planEntry(dir: string): Record<string, unknown> {
  const t = JSON.parse(readFileSync(join(dir, 'transcript.json'), 'utf8')) as { entries: { kind: string; data: Record<string, unknown> }[] };
  const e = t.entries.find((x) => x.kind === 'plan');
  assert.ok(e, 'a plan entry');
  return e.data;
}

describe('build attestation', () => {
  it('main reads out/build-manifest.json only when it is one the build wrote', () => {
    const out = tempDir('manifest');
    assert.equal(readBuildAttestation(out), null, 'no manifest: null (a run from sources)');
    const write = (m: unknown) => writeFileSync(join(out, 'build-manifest.json'), typeof m === 'string' ? m : JSON.stringify(m));
    write({ format: 'keyshard-build-manifest/1', version: '1.0.0', renderer: { sha256: RENDERER, files: 9 }, main: { sha256: MAIN, files: 2 } });
    assert.deepEqual(readBuildAttestation(out), { renderer: RENDERER, main: MAIN });
    for (const bad of [
      '{not json',
      { format: 'other/1', renderer: { sha256: RENDERER }, main: { sha256: MAIN } },
      { format: 'keyshard-build-manifest/1', renderer: { sha256: RENDERER.toUpperCase() }, main: { sha256: MAIN } },
      { format: 'keyshard-build-manifest/1', renderer: { sha256: RENDERER.slice(2) }, main: { sha256: MAIN } },
      { format: 'keyshard-build-manifest/1', renderer: { sha256: RENDERER } },
    ]) {
      write(bad);
      assert.equal(readBuildAttestation(out), null, JSON.stringify(bad));
    }
  });

  it('the plan entry records the bundle hashes main runs, or null from sources', async () => {
    const attested = rig({ overrides: { build: { renderer: RENDERER, main: MAIN } } });
    await attested.service.start({ plan: plan() });
    assert.deepEqual(planEntry(attested.dir)['build'], { renderer: RENDERER, main: MAIN });

    const fromSources = rig({ overrides: { build: null } });
    await fromSources.service.start({ plan: plan() });
    assert.equal(planEntry(fromSources.dir)['build'], null);

    const unknown = rig();
    await unknown.service.start({ plan: plan() });
    assert.equal(Object.prototype.hasOwnProperty.call(planEntry(unknown.dir), 'build'), false, 'no build dep: nothing claimed');
  });

  it('a build that is not two SHA-256 values is refused before anything is recorded', async () => {
    const dir = tempDir('bad-build');
    mkdirSync(join(dir, 'c'));
    const bad = rig({ dir: join(dir, 'c'), overrides: { build: { renderer: 'not-a-hash', main: MAIN } } });
    await assert.rejects(bad.service.start({ plan: plan() }), (e: unknown) => {
      assert.ok(e instanceof KeyshardError);
      assert.match(e.message, /build\.renderer/);
      return true;
    });
    assert.equal(existsSync(join(dir, 'c', 'transcript.json')), false, 'no transcript written');
  });
});
