/** What a CLI command may touch of the outside world; tests pass their own. */
export interface CliIo {
  /** Whole standard input as text ('' when it is a terminal). */
  readStdin(): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
}
