import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { intValue, parseArgs } from '../../electron/cli/args';
import { KeyshardError } from '../../core/errors';

const spec = { values: ['passphrase', 'secret-hex'], repeatable: ['group'], booleans: ['json', 'extendable'] };

describe('cli argument parser', () => {
  it('takes --flag VALUE and --flag=VALUE alike', () => {
    const a = parseArgs(['--secret-hex', 'aa', '--passphrase=x y'], spec);
    assert.equal(a.values.get('secret-hex'), 'aa');
    assert.equal(a.values.get('passphrase'), 'x y');
  });

  it('lets a value begin with a dash', () => {
    const a = parseArgs(['--passphrase', '--json', '--group', '-1'], spec);
    assert.equal(a.values.get('passphrase'), '--json');
    assert.deepEqual(a.lists.get('group'), ['-1']);
    assert.equal(a.booleans.get('json'), undefined);
  });

  it('collects repeatable flags in order and reads --no- booleans', () => {
    const a = parseArgs(['--group', '2/3', '--group=1/1', '--no-extendable', '--json'], spec);
    assert.deepEqual(a.lists.get('group'), ['2/3', '1/1']);
    assert.equal(a.booleans.get('extendable'), false);
    assert.equal(a.booleans.get('json'), true);
  });

  it('rejects unknown flags, missing values, repeated single flags and stray words', () => {
    for (const argv of [['--nope'], ['--passphrase'], ['--passphrase', 'a', '--passphrase', 'b'], ['stray'], ['--json=1']]) {
      assert.throws(() => parseArgs(argv, spec), (e: unknown) => e instanceof KeyshardError && e.code === 'INVALID_ARGUMENT', argv.join(' '));
    }
  });

  it('checks whole numbers against their bounds', () => {
    const a = parseArgs(['--secret-hex', '17'], { values: ['secret-hex'] });
    assert.equal(intValue(a, 'secret-hex', 1, 20), 17);
    assert.throws(() => intValue(a, 'secret-hex', 1, 16), KeyshardError);
    assert.equal(intValue(a, 'missing', 0, 5, 3), 3);
  });
});
