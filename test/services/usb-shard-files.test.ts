/**
 * Shard file names on a stick: what recovery relies on to tell whose shard a file is without opening it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTempFileName, parseShardFileName, shardFileName } from '../../electron/services/usb/index';
import { tempFileName } from '../../electron/services/usb/shard-files';

const HEX = '0123456789abcdef'.repeat(2);

describe('shard file names', () => {
  it('round-trip: custodian index, optional share number, protection from the extension', () => {
    for (const [index, share, ext, protection] of [
      [0, undefined, '.age', 'age'],
      [7, undefined, '.asc', 'openpgp'],
      [65535, 3, '.p11', 'pkcs11'],
      [2, 1, '.txt', 'none'],
    ] as const) {
      const name = shardFileName(HEX, index, ext, share);
      assert.equal(name, `keyshard-${HEX}-c${index}${share === undefined ? '' : `-s${share}`}${ext}`);
      assert.deepEqual(parseShardFileName(name), { ceremonyId: HEX, custodianIndex: index, ...(share === undefined ? {} : { share }), extension: ext, protection });
    }
  });

  it('refuses names that are not exactly a shard file name', () => {
    for (const name of [
      `keyshard-${HEX}-c01.age`, // leading zero
      `keyshard-${HEX}-c65536.age`, // beyond a u16
      `keyshard-${HEX}-c1-s0.age`, // shares count from 1
      `keyshard-${HEX}-c1-s01.age`,
      `keyshard-${HEX}-c1-s256.age`,
      `keyshard-${HEX}-c1.gpg`,
      `keyshard-${HEX.toUpperCase()}-c1.age`,
      `keyshard-${HEX}-c1.age.bak`,
      `bob.age`,
    ]) {
      assert.equal(parseShardFileName(name), undefined, name);
    }
  });

  it('temporary names are recognised, with or without a share number, and never parse as shards', () => {
    for (const share of [undefined, 2]) {
      const temp = tempFileName(HEX, 4, 'a1b2c3d4e5f6', share);
      assert.ok(isTempFileName(temp), temp);
      assert.equal(parseShardFileName(temp), undefined);
    }
    assert.equal(isTempFileName(`.keyshard-${HEX}-c4.a1b2c3.tmp`), false);
  });
});
