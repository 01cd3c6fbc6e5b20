/**
 * The annotated script tells what was recorded (issue 13, brief B2): each custodian's bag serial on their handoff and
 * receipt lines; a shard with no bag is "received", never "sealed in its bag" (English and German words from the
 * catalogue); and under a step with an exception the step's own witness sign-off and the exception's signature are
 * listed apart, each saying what it signs.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { KEY_CEREMONY } from '../../core/ceremony-kinds';
import { annotatedScript, annotatedScriptMismatch, annotatedScriptText, scriptExceptions } from '../../core/ceremony-kinds/annotated';
import { kindIn } from '../../core/ceremony-kinds/language';
import { cleanTemps, custodianKeys, given, methodFor, openingKeyFor, responseFor, rig, sealAndVerify, shown, shownShards, signPending, slip39Plan, toHandoffs, WITNESSES } from './ceremony-harness';

after(cleanTemps);

const BAGS: Readonly<Record<string, string>> = { alice: 'ks00 42a7', bob: 'GX00-0017' };

test('bag serials on the handoff and receipt lines, a shard without a bag only received, step and exception signatures apart', async () => {
  const k = await custodianKeys();
  const plan = slip39Plan(k);
  const r = rig();
  const s = r.service;
  await s.registerWitnessSigner(WITNESSES.wendy);
  await s.start({ plan });
  await toHandoffs(s);

  const views = new Map<string, Awaited<ReturnType<typeof s.handoff>>>();
  for (const c of plan.custodians) {
    const bag = BAGS[c.id];
    const view = await s.handoff({ custodianId: c.id, ...(bag === undefined ? {} : { bagSerial: bag }) });
    views.set(c.id, view);
    const key = openingKeyFor(plan, c.id, k);
    const good = { custodianId: c.id, method: methodFor(c.medium), ...(c.medium === 'usb' ? { openingKeys: key === undefined ? [] : [key] } : { responses: responseFor(view, plan) }) };
    if (c.id === 'alice') {
      const words = (shown(view.shards[0]!).words ?? []).slice();
      [words[3], words[4]] = [words[4]!, words[3]!];
      await assert.rejects(s.confirm({ custodianId: 'alice', method: 'type-back', responses: [given({ words: words.join(' ') })] }), { code: 'CONFIRM_MISMATCH' });
      await s.recordException({ reason: 'Alice misread word 4 of her paper.', witnessId: 'wendy' });
    }
    await s.confirm(good);
    await signPending(s);
    await s.receipt({ custodianId: c.id, ...(bag === undefined ? {} : { bagSerial: bag }) });
  }
  await s.testRecovery({ responses: ['alice', 'carol'].map((id) => ({ custodianId: id, shards: shownShards(views.get(id)!).map((sh) => given({ text: sh.envelopeText }, 'read')) })) });
  await signPending(s);

  const v = await sealAndVerify(s, r.dir);
  const script = annotatedScript(KEY_CEREMONY, plan, v);
  assert.equal(annotatedScriptMismatch(script, v.entries), null);
  const line = (step: string, who: string) => script.lines.find((l) => l.stepId === step && l.custodianId === who)!;
  const text = annotatedScriptText(script);

  // 1. The serial as recorded, grouped as read aloud, on the handoff and on the receipt line.
  for (const [who, serial] of [['alice', 'KS00 42A7'], ['bob', 'GX00 0017']] as const) {
    for (const step of ['handoff', 'receipt']) {
      const e = line(step, who).entries.find((x) => x.kind === step)!;
      assert.equal(e.bagSerial, serial, `${who}'s ${step}`);
      assert.match(text, new RegExp(`${e.name}, bag ${serial} \\(entry ${e.seq}\\)`));
    }
  }
  assert.equal(line('handoff', 'carol').entries.find((x) => x.kind === 'handoff')!.bagSerial, null);

  // 2. Carol's screen shard had no bag: received, nothing sealed; Alice's was sealed. German words from its catalogue.
  const carolReceipt = line('receipt', 'carol').entries[0]!;
  assert.equal(carolReceipt.name, 'Shard received; no bag recorded, so nothing sealed');
  assert.equal(line('receipt', 'alice').entries[0]!.name, 'Shard received and sealed in its bag');
  assert.doesNotMatch(text, new RegExp(`sealed in its bag \\(entry ${carolReceipt.seq}\\)`));
  const de = annotatedScript(kindIn(KEY_CEREMONY, 'de'), plan, v);
  const deLine = (who: string) => de.lines.find((l) => l.stepId === 'receipt' && l.custodianId === who)!.entries[0]!.name;
  assert.equal(deLine('carol'), 'Anteil empfangen; kein Beutel erfasst, also nichts versiegelt');
  assert.equal(deLine('alice'), 'Anteil empfangen und im Beutel versiegelt');

  // 3. Under Alice's handoff: the confirmation's sign-off as the step's, the exception's signature as the exception's.
  const alice = line('handoff', 'alice');
  const x = alice.exceptions[0]!;
  assert.equal(x.signature?.seq, x.seq + 1);
  const stepSig = alice.signatures[0]!;
  assert.notEqual(stepSig.seq, x.signature?.seq);
  const block = text.slice(text.indexOf(`${alice.number}  ${alice.heading}`), text.indexOf(`${line('receipt', 'alice').number}  `));
  const stepAt = block.indexOf(`Step signed off by witness: Wendy (key ${stepSig.keyShort}) signed, entry ${stepSig.seq}`);
  const exAt = block.indexOf('EXCEPTION');
  const exSigAt = block.indexOf(`Exception signed by witness: Wendy (key ${x.signature!.keyShort}) signed, entry ${x.signature!.seq}`);
  assert.ok(stepAt > 0 && exAt > stepAt && exSigAt > exAt, block);
  assert.doesNotMatch(block, /^\s+Witness:/m, 'no signature without saying what it signs');

  // 4. The exceptions with their step numbers (the sealed screen's line).
  assert.deepEqual(scriptExceptions(script).map((e) => [e.number, e.seq]), [[alice.number, x.seq]]);
});
