/**
 * A custodian's receipt is a step that cannot be skipped (issue 13.7), in a plan with witnesses as in one without:
 * main refuses the next custodian's handoff and the test recovery while a confirmed custodian's receipt is missing
 * (RECEIPT_NEEDED, nothing recorded), unless a witness recorded that custodian absent at the receipt; then the
 * ceremony goes on and the annotated script carries the absence under their receipt line.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { KEY_CEREMONY } from '../../core/ceremony-kinds';
import { annotatedScript, annotatedScriptMismatch, annotatedScriptText } from '../../core/ceremony-kinds/annotated';
import type { CeremonyService, HandoffView } from '../../electron/services/ceremony/index';
import { cleanTemps, custodianKeys, given, methodFor, openingKeyFor, responseFor, rig, sealAndVerify, shownShards, signPending, slip39Plan, toHandoffs, unwitnessedPlan, WITNESSES, type Keys } from './ceremony-harness';
import type { CeremonyPlan } from '../../core/policy';

after(cleanTemps);

const LEFT = 'Bob had to leave for the airport with his drive before it was sealed; he seals it at home on camera.';

async function handOver(s: CeremonyService, plan: CeremonyPlan, k: Keys | null, id: string): Promise<HandoffView> {
  const c = plan.custodians.find((x) => x.id === id)!;
  const view = await s.handoff({ custodianId: id });
  const key = k === null ? undefined : openingKeyFor(plan, id, k);
  await s.confirm({ custodianId: id, method: methodFor(c.medium), ...(c.medium === 'usb' ? { openingKeys: key === undefined ? [] : [key] } : { responses: responseFor(view, plan) }) });
  await signPending(s);
  return view;
}

test('witnessed: no next handoff and no test recovery before the receipt; a custodian absent at the receipt lets it go on, in words on the script', async () => {
  const k = await custodianKeys();
  const plan = slip39Plan(k);
  const r = rig();
  const s = r.service;
  await s.registerWitnessSigner(WITNESSES.wendy);
  await s.start({ plan });
  await toHandoffs(s);
  const entries = (): number => (JSON.parse(readFileSync(join(r.dir, 'transcript.json'), 'utf8')) as { entries: unknown[] }).entries.length;

  const views = new Map<string, HandoffView>();
  views.set('alice', await handOver(s, plan, k, 'alice'));
  // Alice's confirmation is signed off, her receipt is not recorded: Bob's handoff is refused, nothing written.
  const before = entries();
  await assert.rejects(s.handoff({ custodianId: 'bob' }), (e: { code?: string; message?: string }) => {
    assert.equal(e.code, 'RECEIPT_NEEDED');
    assert.match(e.message ?? '', /Bob's handoff cannot start before Alice's receipt is recorded\. Record Alice's receipt/);
    return true;
  });
  assert.equal(entries(), before, 'nothing recorded');
  assert.deepEqual((await s.status()).handedOff, ['alice']);
  await s.receipt({ custodianId: 'alice' });
  views.set('bob', await handOver(s, plan, k, 'bob'));

  // Bob leaves with his shard before sealing it: Wendy records him absent at the receipt, and Carol's turn may come.
  await assert.rejects(s.handoff({ custodianId: 'carol' }), { code: 'RECEIPT_NEEDED' });
  const marked = await s.markAbsent({ custodianId: 'bob', reason: LEFT, witnessId: 'wendy' });
  const bobReceipt = marked.receipts.find((x) => x.custodianId === 'bob')!;
  assert.equal(bobReceipt.received, false);
  assert.equal(typeof bobReceipt.absentSeq, 'number');
  assert.deepEqual(marked.absent, [], 'absent at the receipt is not a deferred handoff');
  views.set('carol', await handOver(s, plan, k, 'carol'));

  // Every handoff is done; Carol's receipt is missing: the test recovery waits for it.
  const giveBack = (ids: string[]) => ids.map((id) => ({ custodianId: id, shards: shownShards(views.get(id)!).map((sh) => given({ text: sh.envelopeText }, 'read')) }));
  await assert.rejects(s.testRecovery({ responses: giveBack(['alice', 'carol']) }), { code: 'RECEIPT_NEEDED' });
  await s.receipt({ custodianId: 'carol' });
  await s.testRecovery({ responses: giveBack(['alice', 'carol']) });
  await signPending(s);
  const v = await sealAndVerify(s, r.dir);
  const ex = v.entries.find((e) => e.kind === 'exception')!;
  assert.deepEqual(ex.data, { stepId: 'receipt', custodianId: 'bob', deviation: 'custodian-absent', reason: LEFT, witnessId: 'wendy' });
  assert.equal(bobReceipt.absentSeq, ex.seq);
  assert.equal(v.entries[ex.seq]!.kind, 'signoff', "Wendy's signature is the next entry");
  const script = annotatedScript(KEY_CEREMONY, plan, v);
  assert.equal(annotatedScriptMismatch(script, v.entries), null);
  const bobLine = script.lines.find((l) => l.stepId === 'receipt' && l.custodianId === 'bob')!;
  assert.deepEqual(bobLine.entries, []);
  assert.deepEqual(bobLine.exceptions.map((x) => [x.words, x.seq]), [['Custodian absent', ex.seq]]);
  assert.equal(bobLine.absentSeq, ex.seq);
  const text = annotatedScriptText(script);
  assert.match(text, new RegExp(`${bobLine.number}  Receive and seal the shard[^]*?Not recorded — custodian absent \\(exception ${ex.seq}\\)`));
});

test('unwitnessed: the administrator records the receipt before the next handoff and the test recovery', async () => {
  const plan = unwitnessedPlan({ type: 'new-seed', bits: 128 }, 'slip39');
  const r = rig();
  const s = r.service;
  await s.start({ plan });
  await toHandoffs(s);
  const [ann, ben] = ['ann', 'ben'];
  const views = new Map<string, HandoffView>();
  views.set(ann, await handOver(s, plan, null, ann));
  await assert.rejects(s.handoff({ custodianId: ben }), { code: 'RECEIPT_NEEDED' });
  await s.receipt({ custodianId: ann });
  views.set(ben, await handOver(s, plan, null, ben));
  await s.receipt({ custodianId: ben });
  views.set('cat', await handOver(s, plan, null, 'cat'));
  const giveBack = (ids: string[]) => ids.map((id) => ({ custodianId: id, shards: shownShards(views.get(id)!).map((sh) => given({ text: sh.envelopeText }, 'read')) }));
  await assert.rejects(s.testRecovery({ responses: giveBack([ann, ben]) }), { code: 'RECEIPT_NEEDED' });
  // Absent at the receipt in a plan without witnesses: the reason alone.
  const marked = await s.markAbsent({ custodianId: 'cat', reason: 'Cat left before sealing.' });
  assert.equal(typeof marked.receipts.find((x) => x.custodianId === 'cat')?.absentSeq, 'number');
  const rec = await s.testRecovery({ responses: giveBack([ann, ben]) });
  assert.equal(rec.fingerprintMatch, true);
  await s.abort({ reason: 'test over' });
});
