/**
 * Pure renderer helpers behind what people read about steps: plain names for transcript entries, "where the ceremony
 * stopped" (the last ceremony step, not a sign-off), and the step list's state (the seal of a sealed ceremony is done).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CEREMONY_STEPS as CORE_STEPS } from '../../core/ceremony';
import { appendEntry, createTranscript, serializeTranscript, signEntry, softwareEd25519Signer } from '../../core/transcript';
import { stepState } from '../../renderer/components/stepState';
import { entryRows, lastStep } from '../../renderer/transcript/readTranscript';
import { checkpointName, entropySourceName, isCeremonyStep, isSigningEntry, methodName, stepName } from '../../core/step-names';

const LIST = [{ id: 'plan' }, { id: 'airgap' }, { id: 'split' }, { id: 'seal' }] as const;
type Id = (typeof LIST)[number]['id'];

function clock(): () => Date {
  let n = 0;
  return () => new Date(Date.UTC(2025, 2, 1, 9, 0, 0) + 60_000 * n++);
}

describe('step names', () => {
  it('names every step core records in words, never as its kind', () => {
    for (const kind of [...CORE_STEPS, 'abort', 'sign-off', 'signoff', 'token-check', 'token-store', 'token-read-back', 'token-random']) {
      const name = stepName(kind);
      assert.notEqual(name, kind, kind);
      assert.match(name, /^[A-Z][a-z]/, `${kind} -> ${name}`);
    }
    assert.equal(stepName('airgap-check'), 'Air-gap check');
    assert.equal(stepName('sign-off'), 'Witness sign-off');
    assert.equal(stepName('signoff'), 'Witness signature');
    assert.equal(stepName('seal'), 'Transcript sealed');
    // A kind a newer keyshard may record still reads as words.
    assert.equal(stepName('witness-rotation'), 'Witness rotation');
    assert.equal(stepName(''), 'Unnamed entry');
  });

  it('tells the ceremony steps from the sign-offs, signatures and token entries beside them', () => {
    for (const kind of [...CORE_STEPS, 'abort']) assert.equal(isCeremonyStep(kind), true, kind);
    for (const kind of ['sign-off', 'signoff', 'token-store', 'token-read-back', 'token-random', '?', '']) assert.equal(isCeremonyStep(kind), false, kind);
  });

  it('tells the signing entries (a signature, the sign-off record before it) from everything else', () => {
    for (const kind of ['sign-off', 'signoff']) assert.equal(isSigningEntry(kind), true, kind);
    for (const kind of [...CORE_STEPS, 'abort', 'token-check', 'token-store', 'signoffs', '']) assert.equal(isSigningEntry(kind), false, kind);
  });

  it('says what a witness signs off, how a custodian confirmed, and where entropy came from', () => {
    assert.equal(checkpointName('airgap-check'), 'the air-gap check');
    assert.equal(checkpointName('handoff'), 'a handoff');
    assert.equal(checkpointName('new-thing'), 'the new thing');
    assert.equal(methodName('type-back'), 'typed the words back');
    assert.equal(methodName('read-back-usb'), 'file read back from the USB drive');
    assert.equal(methodName('wave-hands'), 'wave hands');
    assert.equal(entropySourceName('dice-20-rolls'), '20 dice rolls');
    assert.equal(entropySourceName('os-csprng'), "the computer's random generator");
    assert.equal(entropySourceName('pkcs11-rng'), "a token's random generator");
  });
});

describe('where the ceremony stopped', () => {
  it('is the last ceremony step, not the sign-off record or the signature after it', async () => {
    const wendy = softwareEd25519Signer('wendy', new Uint8Array(32).fill(7));
    let t = createTranscript('resume-2025', clock());
    t = appendEntry(t, 'plan', { label: 'Resume 2025' });
    t = appendEntry(t, 'airgap-check', { passed: false, interfacesUp: ['eth0'] });
    t = appendEntry(t, 'sign-off', { checkpoint: 'airgap-check', witnessId: 'wendy' });
    t = await signEntry(t, 2, wendy);
    const rows = entryRows(serializeTranscript(t));
    assert.deepEqual(
      rows.map((r) => r.kind),
      ['plan', 'airgap-check', 'sign-off', 'signoff'],
    );
    assert.equal(lastStep(rows)?.kind, 'airgap-check');
    assert.equal(stepName(lastStep(rows)!.kind), 'Air-gap check');
    // The sign-off record names its step and witness; the signature the entry it signs.
    assert.deepEqual(rows[2]?.signOff, { checkpoint: 'airgap-check', witness: 'wendy' });
    assert.deepEqual(rows[3]?.signs, { seq: 2, witness: 'wendy' });
    // A token entry after a step is not where it stopped either.
    const withToken = appendEntry(t, 'token-store', { custodianId: 'alice' });
    assert.equal(lastStep(entryRows(serializeTranscript(withToken)))?.kind, 'airgap-check');
    assert.equal(lastStep(entryRows(serializeTranscript(appendEntry(withToken, 'abort', { reason: 'x' }))))?.kind, 'abort');
    assert.equal(lastStep([]), undefined);
  });
});

describe('step list state', () => {
  it('is done before the current step, current at it, to do after it', () => {
    assert.deepEqual(
      LIST.map((s) => stepState<Id>(LIST, s.id, 'split')),
      ['done', 'done', 'current', 'todo'],
    );
    assert.deepEqual(
      LIST.map((s) => stepState<Id>(LIST, s.id, 'plan', [])),
      ['current', 'todo', 'todo', 'todo'],
    );
  });

  it('shows the last step of a finished flow as done: the seal of a sealed ceremony', () => {
    const all: Id[] = LIST.map((s) => s.id);
    assert.deepEqual(
      LIST.map((s) => stepState<Id>(LIST, s.id, 'seal', all)),
      ['done', 'done', 'done', 'done'],
    );
    // An explicit list is followed as given: a step not in it after the current one is still to do.
    assert.deepEqual(
      LIST.map((s) => stepState<Id>(LIST, s.id, 'airgap', ['plan'])),
      ['done', 'current', 'todo', 'todo'],
    );
  });
});
