import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHANNELS } from '../../electron/ipc/channels';
import { createIpcHandlers, type IpcHandlers } from '../../electron/ipc/handlers';
import { checkSender, guardHandler, registerIpcHandlers, SENDER_REFUSED_MESSAGE, type SenderFacts } from '../../electron/ipc/register';
import { createCameraGate } from '../../electron/main/permissions';

const frame = (url: string, parent: unknown = null): SenderFacts => ({ senderFrame: { url, parent } });

function countingHandler() {
  const calls: unknown[] = [];
  const handler = (async (request: unknown) => {
    calls.push(request);
    return { ok: true, value: { name: 'keyshard', version: '1', platform: 'linux', arch: 'x64', production: true } };
  }) as IpcHandlers['app:info'];
  return { handler, calls };
}

describe('IPC sender check', () => {
  it('trusts only the top frame of app://keyshard/', () => {
    assert.deepEqual(checkSender(frame('app://keyshard/index.html')), { trusted: true });
    assert.deepEqual(checkSender(frame('app://keyshard/')), { trusted: true });
    for (const url of [
      'https://example.com/',
      'http://127.0.0.1:5173/',
      'file:///work/main/out/renderer/index.html',
      'app://keyshard.evil/index.html',
      'app://evil/keyshard/',
      'app://user@keyshard/index.html',
      'app://keyshard',
      'devtools://devtools/bundled/inspector.html',
      'about:blank',
      'data:text/html,<script>1</script>',
      '',
    ]) {
      assert.equal(checkSender(frame(url)).trusted, false, url);
    }
    assert.equal(checkSender({ senderFrame: null }).trusted, false);
    assert.equal(checkSender(frame('app://keyshard/index.html', { url: 'app://keyshard/index.html' })).trusted, false, 'subframe');
  });

  it('refuses a foreign sender without calling the handler, logs a reason without the path', async () => {
    const { handler, calls } = countingHandler();
    const logs: string[] = [];
    const guarded = guardHandler('app:info', handler, (m) => logs.push(m));
    const result = await guarded(frame('https://evil.example/steal?token=abc'), undefined);
    assert.deepEqual(result, { ok: false, error: { code: 'IPC_SENDER_REFUSED', message: SENDER_REFUSED_MESSAGE } });
    assert.deepEqual(calls, []);
    assert.deepEqual(logs, ['refused app:info: sender is https://evil.example, not the keyshard app']);
  });

  it('passes the request through for our own page', async () => {
    const { handler, calls } = countingHandler();
    const guarded = guardHandler('app:info', handler, () => assert.fail('nothing to log'));
    const result = await guarded(frame('app://keyshard/index.html'), undefined);
    assert.equal(result.ok, true);
    assert.deepEqual(calls, [undefined]);
  });

  it('registers every contract channel on ipcMain behind the sender check, and can remove them', async () => {
    const registered = new Map<string, (event: unknown, request: unknown) => Promise<unknown>>();
    const removed: string[] = [];
    const fakeIpcMain = {
      handle: (channel: string, listener: (event: never, ...args: never[]) => unknown) => {
        assert.ok(!registered.has(channel), `${channel} registered twice`);
        registered.set(channel, listener as never);
      },
      removeHandler: (channel: string) => removed.push(channel),
    };
    const handlers = createIpcHandlers({
      appInfo: () => ({ name: 'keyshard', version: '1', platform: 'linux', arch: 'x64', production: true }),
      checkAirGap: async () => assert.fail('must not run for a refused sender'),
      camera: createCameraGate(),
    });
    const logs: string[] = [];
    const unregister = registerIpcHandlers(fakeIpcMain, handlers, (m) => logs.push(m));
    assert.deepEqual([...registered.keys()].sort(), [...CHANNELS].sort());

    const foreign = await registered.get('airgap:check')?.(frame('http://localhost/'), undefined);
    assert.deepEqual(foreign, { ok: false, error: { code: 'IPC_SENDER_REFUSED', message: SENDER_REFUSED_MESSAGE } });
    const own = (await registered.get('app:info')?.(frame('app://keyshard/index.html'), undefined)) as { ok: boolean };
    assert.equal(own.ok, true);
    assert.equal(logs.length, 1);

    unregister();
    assert.deepEqual(removed.sort(), [...CHANNELS].sort());
  });
});
