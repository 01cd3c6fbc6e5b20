import { KeyshardError } from '../../core/errors';

/** Declares which flags a command takes. A value flag always consumes the next word, so values may begin with '-'. */
export interface OptionSpec {
  /** Flags that take one value: `--name VALUE` or `--name=VALUE`. */
  readonly values?: readonly string[];
  /** Value flags that may be given more than once (collected in order). */
  readonly repeatable?: readonly string[];
  /** On/off flags: `--name`, and `--no-name` to turn off. */
  readonly booleans?: readonly string[];
  /** How many plain (non-flag) arguments the command takes. */
  readonly positionals?: { readonly min: number; readonly max: number; readonly names: string };
}

export interface ParsedArgs {
  readonly values: ReadonlyMap<string, string>;
  readonly lists: ReadonlyMap<string, readonly string[]>;
  readonly booleans: ReadonlyMap<string, boolean>;
  readonly positionals: readonly string[];
  readonly help: boolean;
}

function usageError(message: string): KeyshardError {
  return new KeyshardError('INVALID_ARGUMENT', message, { usage: true });
}

export function parseArgs(argv: readonly string[], spec: OptionSpec): ParsedArgs {
  const valueFlags = new Set(spec.values ?? []);
  const listFlags = new Set(spec.repeatable ?? []);
  const boolFlags = new Set(spec.booleans ?? []);
  const values = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const booleans = new Map<string, boolean>();
  const positionals: string[] = [];
  let help = false;
  let onlyPositionals = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (onlyPositionals || !arg.startsWith('--')) {
      if (arg === '-h' && !onlyPositionals) help = true;
      else positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    if (name === 'help') {
      help = true;
      continue;
    }
    if (valueFlags.has(name) || listFlags.has(name)) {
      let value = inline;
      if (value === undefined) {
        if (i + 1 >= argv.length) throw usageError(`--${name} needs a value. Run with --help to see the usage.`);
        value = argv[++i]!;
      }
      if (listFlags.has(name)) lists.set(name, [...(lists.get(name) ?? []), value]);
      else if (values.has(name)) throw usageError(`--${name} was given twice; give it once.`);
      else values.set(name, value);
      continue;
    }
    const negated = name.startsWith('no-') ? name.slice(3) : undefined;
    if (boolFlags.has(name) || (negated !== undefined && boolFlags.has(negated))) {
      if (inline !== undefined) throw usageError(`--${name} takes no value.`);
      booleans.set(negated ?? name, negated === undefined);
      continue;
    }
    throw usageError(`Unknown option --${name}. Run with --help to see the options.`);
  }

  const pos = spec.positionals ?? { min: 0, max: 0, names: '' };
  if (!help && (positionals.length < pos.min || positionals.length > pos.max)) {
    throw usageError(
      pos.max === 0
        ? `Unexpected argument "${positionals[0] ?? ''}". Run with --help to see the usage.`
        : `Expected ${pos.names}. Run with --help to see the usage.`,
    );
  }
  return { values, lists, booleans, positionals, help };
}

/** The value of a required flag, or a usage error naming it. */
export function requireValue(args: ParsedArgs, name: string): string {
  const v = args.values.get(name);
  if (v === undefined) throw usageError(`--${name} is required. Run with --help to see the usage.`);
  return v;
}

/** A whole number within bounds, or a usage error naming the flag. */
export function intValue(args: ParsedArgs, name: string, min: number, max: number, fallback?: number): number {
  const raw = args.values.get(name);
  if (raw === undefined) {
    if (fallback === undefined) throw usageError(`--${name} is required. Run with --help to see the usage.`);
    return fallback;
  }
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw usageError(`--${name} must be a whole number from ${min} to ${max}.`);
  }
  return Number(raw);
}
