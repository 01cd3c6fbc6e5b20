/**
 * Runs a command in a pseudo-terminal (python3's pty module), answering prompts as a person would: each step waits for
 * its pattern in the output (after the previous step's match), then types its text. Returns everything the terminal
 * showed (stdout and stderr together, as a person sees them) and the exit code.
 */
import { spawnSync } from 'node:child_process';

const DRIVER = String.raw`
import json, os, pty, re, select, sys, time
spec = json.loads(sys.stdin.read())
pid, fd = pty.fork()
if pid == 0:
    env = dict(os.environ)
    env.update(spec.get('env', {}))
    os.execvpe(spec['argv'][0], spec['argv'], env)
out = b''
pos = 0
step = 0
steps = spec['steps']
deadline = time.time() + spec.get('timeout', 60)
closed = False
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            data = b''
        if not data:
            closed = True
            break
        out += data
    while step < len(steps):
        m = re.compile(steps[step][0]).search(out.decode('utf-8', 'replace'), pos)
        if m is None:
            break
        pos = m.end()
        os.write(fd, steps[step][1].encode('utf-8'))
        step += 1
# The terminal closes when the command's last descriptor goes, a moment before it can be reaped: then wait for it
# (killing it there, as an earlier version did, made a clean exit look like signal 9 on a busy machine). Only a
# command still running at the deadline is killed.
try:
    if not closed:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
except (ChildProcessError, ProcessLookupError):
    status = 0
code = os.waitstatus_to_exitcode(status) if hasattr(os, 'waitstatus_to_exitcode') else status >> 8
print(json.dumps({'output': out.decode('utf-8', 'replace'), 'code': code, 'steps': step}))
`;

export interface PtyRun {
  readonly output: string;
  readonly code: number;
  /** How many steps were answered. */
  readonly steps: number;
}

export function runInPty(argv: readonly string[], steps: readonly (readonly [pattern: string, send: string])[], env: Record<string, string> = {}): PtyRun {
  const r = spawnSync('python3', ['-c', DRIVER], { input: JSON.stringify({ argv, steps, env, timeout: 90 }), encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`the pty driver failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as PtyRun;
}
