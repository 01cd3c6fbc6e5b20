/**
 * The main process's log: one line per event on stderr, prefixed so it is easy to grep. Callers pass fixed phrases and
 * non-secret facts only (channel names, URL schemes and hosts, permission names) - never request or response data.
 */
export type Log = (message: string) => void;

export function createLog(scope: string, write: (line: string) => void = (line) => process.stderr.write(line)): Log {
  return (message) => write(`[keyshard:${scope}] ${message}\n`);
}
