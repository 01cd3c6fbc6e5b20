/**
 * The CliIo of the installed command: standard input read to a bound, and output whose failures (a reader that
 * went away, a full disk behind a redirect) end the command with a typed error instead of a stack trace.
 */
import { KeyshardError } from '../../core/errors';
import { type CliIo, MAX_INPUT_BYTES } from './io';
import { tooLarge } from './files';
import { createTerminal } from './terminal';

/** Standard input as text, at most `max` bytes: reading stops at the first byte beyond (nothing more is buffered). */
export async function readBoundedStdin(stream: NodeJS.ReadableStream & { isTTY?: boolean }, max = MAX_INPUT_BYTES): Promise<string> {
  if (stream.isTTY === true) return '';
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buf.length;
    if (total > max) {
      for (const c of chunks) c.fill(0);
      buf.fill(0);
      // Stop reading; the rest of the input is the writer's problem, not a reason to wait.
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw tooLarge('Standard input', max);
    }
    chunks.push(buf);
  }
  const all = Buffer.concat(chunks);
  for (const c of chunks) c.fill(0);
  const text = all.toString('utf8');
  all.fill(0);
  return text;
}

/** The error an output stream failure means, or undefined for one that is not the reader's or the disk's doing. */
export function outputFailure(e: unknown): KeyshardError {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED') {
    return new KeyshardError('OUTPUT_CLOSED', 'The program reading keyshard\'s output stopped before the end; the output is incomplete. Run the command again with its output going to a file or to a program that reads it all.');
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new KeyshardError('DISK_FULL', 'The disk that keyshard\'s output goes to is full; the output is incomplete. Free some space and run the command again.');
  }
  return new KeyshardError('OUTPUT_FAILED', `keyshard's output could not be written (${typeof code === 'string' ? code : 'unknown error'}); it is incomplete.`);
}

/**
 * The process's own io. An output failure is reported once on stderr (as JSON with --json) and the process exits 1
 * at once: nothing more can be said on a closed pipe, and carrying on would only hide that the output is cut short.
 */
export function nodeIo(json: boolean): CliIo & { close(): void } {
  let failed = false;
  const fail = (e: unknown): void => {
    if (failed) return;
    failed = true;
    const error = outputFailure(e);
    const text = json ? `${JSON.stringify({ error: { code: error.code, message: error.message } })}\n` : `keyshard: ${error.code}: ${error.message}\n`;
    try {
      process.stderr.write(text);
    } catch {
      // stderr is gone too: the exit code is all that is left.
    }
    process.exit(1);
  };
  process.stdout.on('error', fail);
  process.stderr.on('error', () => process.exit(1));
  const write = (stream: NodeJS.WriteStream, text: string): void => {
    try {
      stream.write(text);
    } catch (e) {
      fail(e);
    }
  };
  const terminal = process.stdin.isTTY === true ? createTerminal(process.stdin, process.stderr) : undefined;
  return {
    ...(terminal === undefined ? {} : { terminal }),
    close: () => terminal?.close(),
    readStdin: () => readBoundedStdin(process.stdin),
    stdout: (text) => write(process.stdout, text),
    stderr: (text) => write(process.stderr, text),
  };
}
