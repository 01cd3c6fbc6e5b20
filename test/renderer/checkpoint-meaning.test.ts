/**
 * What a witness states by signing a checkpoint (renderer/ceremony/names.ts checkpointMeaning): true at the moment
 * they sign. The seal's final hash is shown only after the seal is signed, so signing it cannot state that the hash
 * is on the paper record; the air-gap sign-off states what the check found (passed, or overridden).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CEREMONY_STEPS } from '../../core/ceremony';
import { CHECKPOINT_TITLE, checkpointMeaning } from '../../renderer/ceremony/names';

describe('checkpoint meanings', () => {
  it('has its own sentence and title for every step core can make a checkpoint', () => {
    for (const step of CEREMONY_STEPS) {
      const meaning = checkpointMeaning(step, 'Alice Meier');
      assert.notEqual(meaning, checkpointMeaning('no-such-step', 'Alice Meier'), step);
      assert.match(meaning, /^[A-Z].*\.$/, `${step}: one sentence`);
      assert.ok(CHECKPOINT_TITLE[step], `${step} has a title`);
    }
  });

  it('the seal: what the witness can know before the final hash is shown, not that it is written down', () => {
    const seal = checkpointMeaning('seal', null);
    assert.doesNotMatch(seal, /hash|paper|written/i);
    assert.match(seal, /as the transcript records it/);
  });

  it('nothing a witness signs speaks of the final hash or of what is written later', () => {
    for (const step of CEREMONY_STEPS) {
      for (const airgap of ['passed', 'overridden', null] as const) {
        assert.doesNotMatch(checkpointMeaning(step, 'Alice Meier', airgap), /final hash|written on/i, step);
      }
    }
  });

  it('the air-gap check: what the check found, as the screen shows it', () => {
    assert.match(checkpointMeaning('airgap-check', null, 'passed'), /no network interface up/);
    assert.doesNotMatch(checkpointMeaning('airgap-check', null, 'passed'), /override/);
    assert.match(checkpointMeaning('airgap-check', null, 'overridden'), /interface up; I saw the override given/);
  });

  it('names the custodian where the checkpoint is theirs', () => {
    assert.match(checkpointMeaning('handoff', 'Alice Meier'), /^Alice Meier received their shard/);
    assert.match(checkpointMeaning('confirm', 'Bob Keller'), /^Bob Keller's shard was checked as this screen says/);
    assert.match(checkpointMeaning('confirm', null), /^The custodian's shard was checked/);
    // Witnesses sign it for USB read-backs too, where nothing is given back: it claims only the check.
    assert.doesNotMatch(checkpointMeaning('confirm', 'Bob Keller'), /gave|proves|holds/);
  });
});
