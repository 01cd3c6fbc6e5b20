import type { CliTerminal } from './terminal';

/** What a CLI command may touch of the outside world; tests pass their own. */
export interface CliIo {
  /** Present when standard input is a terminal: a person can be asked (hidden) for secrets. */
  readonly terminal?: CliTerminal;
  /** Whole standard input as text ('' when it is a terminal), at most MAX_INPUT_BYTES (else INPUT_TOO_LARGE). */
  readStdin(): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * The most any command reads from standard input or from one file it is given: far above any shard, share list,
 * deal or transcript keyshard writes, and small enough that refusing more is instant.
 */
export const MAX_INPUT_BYTES = 1024 * 1024;
