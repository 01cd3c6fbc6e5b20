/**
 * Plain errors (issue 14.3): a plan file's field paths become words for the error's main text (the path itself stays in
 * the small line for support), and only a system error name from main's details is offered for that line.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyshardError } from '../../core/errors';
import { fieldWords, supportOf, toErrorInfo } from '../../renderer/components/errors';

describe('error words', () => {
  it('turns a plan field path into a name and where it sits', () => {
    assert.equal(fieldWords('scheme.groups[0].memberTreshold'), 'memberTreshold (scheme, group 1)');
    assert.equal(fieldWords('custodians[2]'), 'custodian 3');
    assert.equal(fieldWords('custodians[1].shares[0].group'), 'group (custodian 2, share 1)');
    assert.equal(fieldWords('label'), 'label');
    assert.equal(fieldWords('(plan)'), '(plan)');
    for (const path of ['scheme.groups[0].memberTreshold', 'custodians[1].shares[0].group']) assert.doesNotMatch(fieldWords(path), /[.[\]]/);
  });

  it('keeps a system error name from the details for support, and nothing else', () => {
    assert.equal(supportOf({ errno: 'EROFS', operation: 'writing the shard' }), 'EROFS');
    assert.equal(supportOf({ reason: 'ENOENT' }), 'ENOENT');
    assert.equal(supportOf({ reason: 'not-found', errno: 'ENOTDIR' }), 'ENOTDIR');
    assert.equal(supportOf({ errno: 'unknown' }), undefined);
    assert.equal(supportOf({ errno: 'E /media/x' }), undefined);
    assert.equal(supportOf(null), undefined);
    assert.equal(supportOf('EIO'), undefined);
  });

  it('names a single plan problem in words, with the path only in the problems kept for support', () => {
    const field = 'scheme.groups[0].memberCount';
    const info = toErrorInfo(new KeyshardError('POLICY_INVALID', `Plan field ${field}: is missing; add it.`, { problems: [{ field, message: 'is missing; add it.' }] }));
    assert.equal(info.message, 'memberCount (scheme, group 1): is missing; add it.');
    assert.deepEqual(info.problems, [{ field, message: 'is missing; add it.' }]);
    const io = toErrorInfo(new KeyshardError('USB_READ_ONLY', 'The drive "KEYS" cannot be written while writing the shard.', { errno: 'EROFS' }));
    assert.equal(io.support, 'EROFS');
  });
});
