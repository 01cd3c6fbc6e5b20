// runCli itself: the catalogue `keyshard --help` lists without loading any command, --version, the input bound.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCommand } from '../../electron/cli/command';
import { commands } from '../../electron/cli/commands/index';
import { MAX_INPUT_BYTES } from '../../electron/cli/io';
import { runCli } from '../../electron/cli/main';
import { runCommands } from '../helpers/cli';

describe('runCli', () => {
  it("lists each command with the command's own summary, and every listed command loads", async () => {
    const seen = new Set<string>();
    for (const entry of commands) {
      const c = await loadCommand(entry);
      assert.equal(c.group, entry.group);
      assert.equal(c.action, entry.action);
      assert.equal(entry.summary, c.summary, `${entry.group} ${entry.action}: the catalogue's summary is the command's`);
      const name = `${c.group} ${c.action}`;
      assert.ok(!seen.has(name), `${name} is listed once`);
      seen.add(name);
    }
  });

  it('--version, and the overview names the exit codes', async () => {
    const v = await runCommands(commands, ['--version']);
    assert.equal(v.code, 0);
    assert.match(v.stdout, /^keyshard \d+\.\d+\.\d+/);
    const help = await runCommands(commands, ['--help']);
    assert.match(help.stdout, /Exit codes: 0 success, 1 failure .*, 2 wrong usage/);
  });

  it('refuses standard input beyond the bound with INPUT_TOO_LARGE, whoever supplies it', async () => {
    const big = `${'a'.repeat(MAX_INPUT_BYTES)}\n`;
    const r = await runCommands(commands, ['slip39', 'combine', '--json'], big);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stderr).error.code, 'INPUT_TOO_LARGE');
  });

  it('an unexpected failure is INTERNAL without its message (it may quote input)', async () => {
    let stderr = '';
    const boom = { group: 'x', action: 'y', summary: '', help: '', options: {}, run: async () => { throw new Error('secret words here'); } };
    const code = await runCli(['x', 'y'], { readStdin: async () => '', stdout: () => undefined, stderr: (t) => { stderr += t; } }, [boom]);
    assert.equal(code, 1);
    assert.match(stderr, /INTERNAL/);
    assert.doesNotMatch(stderr, /secret words/);
  });
});
