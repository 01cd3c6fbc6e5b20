/**
 * dialog:choose-file (issue 14.4): files are chosen in main's own dialog, never typed. The channel answers the path the
 * dialog gave (absolute) and its name for the screen, or null on cancel; a suggested name is a bare file name only;
 * without a dialog the channel says so. fileDialogSpec: each purpose opens or saves with its own words and filters.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createIpcHandlers, type IpcDeps } from '../../electron/ipc/handlers';
import { fileDialogSpec } from '../../electron/main/file-dialog';
import { createCameraGate } from '../../electron/main/permissions';

function handlers(chooseFile?: IpcDeps['chooseFile']) {
  return createIpcHandlers({
    appInfo: () => ({ name: 'keyshard', version: '0.0.0-test', platform: 'linux', arch: 'x64', production: true }),
    checkAirGap: async () => {
      throw new Error('not used');
    },
    camera: createCameraGate(),
    ...(chooseFile === undefined ? {} : { chooseFile }),
  });
}

describe('dialog:choose-file', () => {
  it('answers the chosen file as an absolute path with its name, and passes the purpose and suggested name on', async () => {
    const asked: unknown[] = [];
    const h = handlers(async (request) => {
      asked.push(request);
      return '/media/wendy/keys/../wendy.key.json';
    });
    const r = await h['dialog:choose-file']({ purpose: 'witness-key' });
    assert.deepEqual(r, { ok: true, value: { path: '/media/wendy/wendy.key.json', name: 'wendy.key.json' } });
    await h['dialog:choose-file']({ purpose: 'export-file', suggestedName: 'keyshard-recovered-1234abcd.age' });
    assert.deepEqual(asked, [{ purpose: 'witness-key' }, { purpose: 'export-file', suggestedName: 'keyshard-recovered-1234abcd.age' }]);
  });

  it('answers null when the person cancels', async () => {
    assert.deepEqual(await handlers(async () => null)['dialog:choose-file']({ purpose: 'pkcs11-module' }), { ok: true, value: null });
  });

  it('refuses an unknown purpose and a suggested name that names a folder, before any dialog opens', async () => {
    let opened = 0;
    const h = handlers(async () => {
      opened += 1;
      return '/x';
    });
    for (const bad of [{ purpose: 'transcript' }, { purpose: 'export-file', suggestedName: '../../etc/passwd' }, { purpose: 'export-file', suggestedName: '/tmp/x.age' }, {}]) {
      const r = await h['dialog:choose-file'](bad);
      assert.equal(r.ok ? 'ok' : r.error.code, 'INVALID_ARGUMENT', JSON.stringify(bad));
    }
    assert.equal(opened, 0);
  });

  it('says the dialog is not there when main has none', async () => {
    const r = await handlers()['dialog:choose-file']({ purpose: 'witness-key' });
    assert.equal(r.ok ? 'ok' : r.error.code, 'INTERNAL');
  });
});

describe('fileDialogSpec', () => {
  it('opens key files and modules, and saves an export under the suggested name in the home folder', () => {
    assert.equal(fileDialogSpec('witness-key', '/home/a').kind, 'open');
    const module = fileDialogSpec('pkcs11-module', '/home/a');
    assert.equal(module.kind, 'open');
    assert.equal(module.defaultPath, '/usr/lib');
    assert.deepEqual(module.filters[0]?.extensions, ['so']);
    const save = fileDialogSpec('export-file', '/home/a', 'k.age');
    assert.equal(save.kind, 'save');
    assert.equal(save.defaultPath, '/home/a/k.age');
    assert.equal(fileDialogSpec('export-file', '/home/a').defaultPath, '/home/a');
  });
});
