import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CeremonyRecord } from '../../core/ceremony';
import { KeyshardError } from '../../core/errors';
import { verifyTranscriptText } from '../../core/transcript';
import { createTranscriptStore, nodeAtomicFs, type AtomicFs } from '../../electron/services/transcript-store/index';
import { assertCompleteCeremony } from '../core/ceremony-driver';
import {
  allZero,
  cleanTemps,
  custodianKeys,
  methodFor,
  openingKeyFor,
  responseFor,
  rig,
  signAs,
  signPending,
  slip39Plan,
  vssPlan,
  WITNESSES,
  type Keys,
  type Rig,
} from './ceremony-harness';

let k: Keys;
before(async () => {
  k = await custodianKeys();
});
after(cleanTemps);

function isError(code: string, check?: (e: KeyshardError) => void): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof KeyshardError, `expected a KeyshardError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    check?.(e);
    return true;
  };
}

function transcriptEntries(dir: string): { kind: string; data: Record<string, unknown>; at: string }[] {
  const text = readFileSync(join(dir, 'transcript.json'), 'utf8');
  const v = verifyTranscriptText(text);
  assert.ok(v.ok, v.ok ? '' : v.reason);
  return (JSON.parse(text) as { entries: { kind: string; data: Record<string, unknown>; at: string }[] }).entries;
}

async function begin(r: Rig, plan = slip39Plan(k)): Promise<void> {
  for (const w of plan.witnesses) await r.service.registerWitnessSigner(WITNESSES[w.id as 'wendy' | 'victor']);
  await r.service.start({ plan });
}

/** A new service on the same directory: what a restarted app sees (the old one's memory is simply gone). */
function restart(r: Rig): Rig {
  return rig({ dir: r.dir });
}

describe('ceremony service: the air gap', () => {
  it('refuses entropy while an interface is up, records the failed check, and records a witness override', async () => {
    const r = rig({ airgapOk: false });
    await begin(r);
    const s = r.service;
    const failed = await s.checkAirGap();
    assert.equal(failed.passed, false);
    assert.equal(failed.overridden, false);
    assert.deepEqual(failed.interfacesUp, ['eth0']);
    await assert.rejects(s.gatherEntropy(), isError('AIRGAP_NETWORK_UP', (e) => assert.match(e.message, /override/)));
    assert.equal(r.buffers.length, 0, 'no entropy was gathered');
    const over = await s.checkAirGap({ override: { witnessId: 'wendy', reason: 'test lab machine; cable cannot be unplugged' } });
    assert.equal(over.overridden, true);
    await signPending(s);
    await s.gatherEntropy();
    const entries = transcriptEntries(r.dir).filter((e) => e.kind === 'airgap-check');
    assert.equal(entries.length, 2);
    assert.deepEqual(entries[0]!.data, { passed: false, interfacesUp: ['eth0'] });
    assert.deepEqual(entries[1]!.data, { passed: false, interfacesUp: ['eth0'], override: { witnessId: 'wendy', reason: 'test lab machine; cable cannot be unplugged' } });
    // The override is an exception entry right after its check, signed by the witness in the very next entry.
    const all = transcriptEntries(r.dir);
    const at = all.findIndex((e) => e.kind === 'airgap-check' && e.data['override'] !== undefined);
    assert.equal(all[at + 1]!.kind, 'exception');
    assert.deepEqual(all[at + 1]!.data, { stepId: 'airgap', deviation: 'airgap-override', reason: 'test lab machine; cable cannot be unplugged', witnessId: 'wendy' });
    assert.equal(all[at + 2]!.kind, 'signoff');
    assert.equal((all[at + 2]!.data['target'] as { seq: number }).seq, at + 2);
    await s.abort({ reason: 'test over' });
  });

  it('an override must name a witness of the plan', async () => {
    const r = rig({ airgapOk: false });
    await begin(r);
    await assert.rejects(r.service.checkAirGap({ override: { witnessId: 'mallory', reason: 'x' } }), isError('WITNESS_KEY'));
    assert.equal((await r.service.status()).lastStep, 'plan');
    assert.equal(transcriptEntries(r.dir).some((e) => e.kind === 'airgap-check'), false, 'nothing recorded');
  });

  it("an override's reason follows the exception rule (one line), and nothing is recorded otherwise", async () => {
    const r = rig({ airgapOk: false });
    await begin(r);
    await assert.rejects(r.service.checkAirGap({ override: { witnessId: 'wendy', reason: 'two\nlines' } }), isError('INVALID_ARGUMENT'));
    assert.equal(transcriptEntries(r.dir).some((e) => e.kind === 'airgap-check'), false, 'nothing recorded');
  });
});

describe('ceremony service: abort', () => {
  it('zeroizes every secret (master secret, shards) and records the abort; nothing runs afterwards', async () => {
    const r = rig();
    await begin(r);
    const s = r.service;
    await s.checkAirGap();
    await signPending(s);
    await s.gatherEntropy({ diceRolls: '666' });
    await s.generate();
    await signPending(s);
    await s.split();
    await signAs(s, 'wendy');
    await s.handoff({ custodianId: 'carol' });
    assert.ok(r.buffers.filter((b) => !allZero(b.bytes)).length >= 4, 'master secret and shards are held before the abort');
    const st = await s.abort({ reason: 'Custodian Carol left the room', witnessId: 'wendy' });
    assert.equal(st.phase, 'aborted');
    for (const b of r.buffers) assert.ok(allZero(b.bytes), `${b.label} is not zeroed`);
    const last = transcriptEntries(r.dir).at(-1)!;
    assert.equal(last.kind, 'abort');
    assert.deepEqual(last.data, { reason: 'Custodian Carol left the room', afterStep: 'handoff', witnessId: 'wendy' });
    await assert.rejects(s.confirm({ custodianId: 'carol', method: 'scan-qr', responses: [] }), isError('CEREMONY_TRANSITION'));
    assert.equal(await s.currentHandoff(), null);
  });
});

describe('ceremony service: crash and resume', () => {
  it('right after the plan: resumes normally and completes', async () => {
    const r = rig();
    await begin(r);
    const again = restart(r);
    const st = await again.service.resume();
    assert.equal(st.phase, 'active');
    assert.equal(st.lastStep, 'plan');
    // No entropy token was chosen at the start (no token-check entry): the status names none.
    assert.equal('entropyToken' in st, false);
    await again.service.registerWitnessSigner(WITNESSES.wendy);
    await again.service.checkAirGap();
    await signPending(again.service);
    assert.equal((await again.service.status()).lastStep, 'airgap-check');
  });

  it('between entropy and generate: asks for the same sources again, refuses others, then completes to the seal', async () => {
    const plan = slip39Plan(k);
    const r = rig();
    await begin(r, plan);
    await r.service.checkAirGap();
    await signPending(r.service);
    await r.service.gatherEntropy({ diceRolls: '1 2 3 4 5 6 1 2' });
    const again = restart(r);
    const s = again.service;
    const st = await s.resume();
    assert.equal(st.phase, 'active');
    assert.deepEqual(st.entropyNeeded, ['os-csprng', 'dice-8-rolls']);
    assert.match(st.message, /same sources again/);
    await assert.rejects(s.generate(), isError('ENTROPY_SOURCE', (e) => assert.deepEqual(e.details?.['recorded'], ['os-csprng', 'dice-8-rolls'])));
    await assert.rejects(s.generate({ diceRolls: '123' }), isError('ENTROPY_SOURCE'));
    assert.ok(again.buffers.every((b) => allZero(b.bytes)), 'refused entropy is wiped');
    await s.registerWitnessSigner(WITNESSES.wendy);
    await s.generate({ diceRolls: '6 5 4 3 2 1 6 5' });
    await signPending(s);
    await s.split();
    await signPending(s);
    const views = new Map<string, Awaited<ReturnType<typeof s.handoff>>>();
    for (const c of plan.custodians) {
      const view = await s.handoff({ custodianId: c.id });
      views.set(c.id, view);
      const key = openingKeyFor(plan, c.id, k);
      await s.confirm({ custodianId: c.id, method: methodFor(c.medium), ...(key === undefined ? { responses: responseFor(view, plan) } : { openingKeys: [key] }) });
      await signPending(s);
      await s.receipt({ custodianId: c.id });
    }
    const rec = await s.testRecovery({ custodianIds: ['alice', 'carol'] });
    assert.equal(rec.fingerprintMatch, true);
    await signPending(s);
    await s.destroy({ confirmed: true });
    await signPending(s);
    await s.seal();
    await signPending(s);
    assert.equal((await s.status()).phase, 'sealed');
    const entries = transcriptEntries(r.dir);
    assertCompleteCeremony(plan, entries.filter((e) => e.kind !== 'signoff').map((e) => ({ step: e.kind, at: e.at, data: e.data }) as unknown as CeremonyRecord));
    for (const b of again.buffers) assert.ok(allZero(b.bytes), `${b.label} is not zeroed`);
  });

  it('after generate, before any handoff: the secret is lost; only abort is offered; nothing is re-generated', async () => {
    const r = rig();
    await begin(r);
    await r.service.checkAirGap();
    await signPending(r.service);
    await r.service.gatherEntropy();
    const generated = await r.service.generate();
    const again = restart(r);
    const s = again.service;
    const st = await s.resume();
    assert.equal(st.phase, 'secret-lost');
    assert.deepEqual(st.custodiansHoldingShards, []);
    assert.deepEqual(st.next.map((a) => a.step), ['abort']);
    assert.equal(st.fingerprint?.hex, generated.fingerprint.hex);
    await s.registerWitnessSigner(WITNESSES.wendy);
    await assert.rejects(signAs(s, 'wendy'), isError('CEREMONY_SECRET_LOST'));
    await assert.rejects(s.split(), isError('CEREMONY_SECRET_LOST'));
    await assert.rejects(s.generate(), isError('CEREMONY_SECRET_LOST'));
    assert.equal(again.buffers.length, 0, 'no secret was made after the resume');
    const aborted = await s.abort({ reason: 'keyshard crashed after generate; secret lost' });
    assert.equal(aborted.phase, 'aborted');
    assert.equal(transcriptEntries(r.dir).at(-1)!.kind, 'abort');
  });

  it('after a handoff: says the secret is lost and who holds shards; offers only abort; records the abort', async () => {
    const plan = vssPlan(k);
    const r = rig();
    await begin(r, plan);
    const s0 = r.service;
    await s0.checkAirGap();
    await signPending(s0);
    await s0.gatherEntropy();
    await s0.generate();
    await signPending(s0);
    await s0.split();
    await signPending(s0);
    const a = await s0.handoff({ custodianId: 'alice' });
    await s0.confirm({ custodianId: 'alice', method: 'scan-qr', responses: responseFor(a, plan) });
    await signPending(s0);
    await s0.receipt({ custodianId: 'alice' });
    await s0.handoff({ custodianId: 'bob' });
    const before = transcriptEntries(r.dir).length;

    const again = restart(r);
    const s = again.service;
    const st = await s.resume();
    assert.equal(st.phase, 'secret-lost-after-handoff');
    assert.deepEqual(st.custodiansHoldingShards, ['alice', 'bob']);
    assert.deepEqual(st.next.map((x) => x.step), ['abort']);
    assert.match(st.message, /Alice, Bob already hold a shard/);
    assert.match(st.message, /abort/);
    await assert.rejects(
      s.confirm({ custodianId: 'bob', method: 'read-back-usb' }),
      isError('CEREMONY_SECRET_LOST', (e) => assert.deepEqual(e.details?.['custodiansHoldingShards'], ['alice', 'bob'])),
    );
    await assert.rejects(s.handoff({ custodianId: 'carol' }), isError('CEREMONY_SECRET_LOST'));
    await assert.rejects(s.testRecovery(), isError('CEREMONY_SECRET_LOST'));
    assert.equal(transcriptEntries(r.dir).length, before, 'refusals record nothing');
    const done = await s.abort({ reason: 'secret lost after handoff; shards of Alice and Bob to be destroyed' });
    assert.equal(done.phase, 'aborted');
    const last = transcriptEntries(r.dir).at(-1)!;
    assert.equal(last.kind, 'abort');
    assert.equal(last.data['afterStep'], 'handoff');
  });

  it('refuses to resume a transcript that was edited, naming the entry', async () => {
    const r = rig();
    await begin(r);
    await r.service.checkAirGap();
    await signPending(r.service);
    const path = join(r.dir, 'transcript.json');
    const text = readFileSync(path, 'utf8');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, text.replace('"passed": true', '"passed": false'));
    await assert.rejects(restart(r).service.resume(), isError('TRANSCRIPT_TAMPERED', (e) => assert.equal(e.details?.['firstBadSeq'], 2)));
  });

  it('a save that fails leaves the step unrecorded in memory and on disk; the step can be repeated', async () => {
    let fail = false;
    const flaky: AtomicFs = {
      ...nodeAtomicFs,
      async open(path, flags, mode) {
        const h = await nodeAtomicFs.open(path, flags, mode);
        if (!fail || flags !== 'wx') return h;
        return {
          ...h,
          write: async (buffer: Uint8Array, offset: number, length: number, position: number) => {
            await h.write(buffer, offset, Math.floor(length / 2), position); // half of it, then the disk "fills up"
            throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
          },
          sync: () => h.sync(),
          close: () => h.close(),
        };
      },
    };
    const base = rig();
    const r = rig({ dir: base.dir, overrides: { transcriptStore: createTranscriptStore(base.dir, { fs: flaky }) } });
    await begin(r);
    const s = r.service;
    await s.checkAirGap();
    await signPending(s);
    const beforeText = readFileSync(join(r.dir, 'transcript.json'), 'utf8');
    fail = true;
    await assert.rejects(s.gatherEntropy(), isError('TRANSCRIPT_WRITE', (e) => assert.match(e.message, /disk is full/)));
    assert.equal(readFileSync(join(r.dir, 'transcript.json'), 'utf8'), beforeText, 'the last complete state is on disk');
    assert.deepEqual(readdirSync(r.dir).filter((n) => n.includes('.tmp-')), [], 'no temporary file is left');
    assert.equal((await s.status()).lastStep, 'airgap-check');
    assert.ok(r.buffers.every((b) => allZero(b.bytes)), 'the entropy of the failed step is wiped');
    fail = false;
    const ok = await s.gatherEntropy();
    assert.deepEqual(ok.sources, ['os-csprng']);
    assert.equal(transcriptEntries(r.dir).at(-1)!.kind, 'entropy');
    await s.abort({ reason: 'test over' });
  });
});
