/**
 * Asking a person at a terminal for secrets: nothing they type is echoed (a dot per character, so they see that keys
 * land), prompts and progress go to stderr so stdout stays the command's output, and Ctrl-C cancels cleanly.
 * Used only when standard input is a terminal; from a pipe, commands read standard input instead.
 */
import { KeyshardError } from '../../core/errors';

/** What a command may ask a person at a terminal. */
export interface CliTerminal {
  /** One line, not echoed. */
  hidden(prompt: string): Promise<string>;
  /** One line of something not secret (a choice), echoed. */
  ask(prompt: string): Promise<string>;
  /**
   * One word, not echoed, completed when what was typed names exactly one word (`complete` says which, or why not).
   * Space, Tab or Enter ends the word.
   */
  word(prompt: string, complete: (typed: string) => { word: string } | { problem: string }): Promise<string>;
  /** A line for the person (progress, a problem to fix): stderr. */
  say(text: string): void;
}

type KeyStream = NodeJS.ReadStream & { setRawMode?: (raw: boolean) => unknown };

function cancelled(): KeyshardError {
  return new KeyshardError('INVALID_ARGUMENT', 'Cancelled at the prompt; nothing was done.', { cancelled: true });
}

/**
 * Keys one at a time from a terminal in raw mode. Keys that arrive together (a paste) are queued, not lost between
 * one prompt and the next. close() restores the terminal.
 */
function keyReader(input: KeyStream): { open(): void; next(): Promise<string>; close(): void } {
  const pending: string[] = [];
  let waiter: ((ch: string) => void) | undefined;
  let open = false;
  const flush = (): void => {
    if (waiter === undefined || pending.length === 0) return;
    const w = waiter;
    waiter = undefined;
    w(pending.shift()!);
  };
  const onData = (chunk: Buffer | string): void => {
    for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) pending.push(ch);
    flush();
  };
  return {
    /** Raw mode (no echo) before any prompt is shown, so keys typed at once are never echoed by the terminal. */
    open() {
      if (open) return;
      open = true;
      input.setRawMode?.(true);
      input.on('data', onData);
      input.resume();
    },
    next() {
      this.open();
      return new Promise((resolve) => {
        waiter = resolve;
        flush();
      });
    },
    close() {
      if (!open) return;
      open = false;
      pending.length = 0;
      input.removeListener('data', onData);
      input.setRawMode?.(false);
      input.pause();
    },
  };
}

export function createTerminal(input: KeyStream, output: NodeJS.WriteStream): CliTerminal & { close(): void } {
  const keys = keyReader(input);
  const write = (t: string): void => {
    keys.open();
    output.write(t);
  };
  /** The next key; Ctrl-C or Ctrl-D cancels the command. */
  const key = async (): Promise<string> => {
    const ch = await keys.next();
    if (ch === '\u0003' || ch === '\u0004') {
      write('\n');
      throw cancelled();
    }
    return ch;
  };
  return {
    async hidden(prompt) {
      write(prompt);
      let line = '';
      for (let ch = await key(); ch !== '\r' && ch !== '\n'; ch = await key()) {
        if (ch === '\u007f' || ch === '\b') {
          if (line.length > 0) write('\b \b');
          line = line.slice(0, -1);
        } else if (ch >= ' ') {
          line += ch;
          write('.');
        }
      }
      write('\n');
      return line;
    },
    async ask(prompt) {
      write(prompt);
      let line = '';
      for (let ch = await key(); ch !== '\r' && ch !== '\n'; ch = await key()) {
        if (ch === '\u007f' || ch === '\b') {
          if (line.length > 0) write('\b \b');
          line = line.slice(0, -1);
        } else if (ch >= ' ') {
          line += ch;
          write(ch);
        }
      }
      write('\n');
      return line.trim();
    },
    async word(prompt, complete) {
      for (;;) {
        write(prompt);
        let typed = '';
        for (;;) {
          const ch = await key();
          if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
            if (typed.length > 0) break;
          } else if (ch === '\u007f' || ch === '\b') {
            if (typed.length > 0) write('\b \b');
            typed = typed.slice(0, -1);
          } else if (/[a-zA-Z]/.test(ch)) {
            typed += ch.toLowerCase();
            write('.');
          }
        }
        const result = complete(typed);
        if ('word' in result) {
          write(' ok\n');
          return result.word;
        }
        write(` ${result.problem}\n`);
      }
    },
    say(text) {
      write(`${text}\n`);
    },
    close() {
      keys.close();
    },
  };
}
