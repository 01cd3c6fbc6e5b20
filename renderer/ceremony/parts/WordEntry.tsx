import { useEffect, useMemo, useRef, useState } from 'react';
import { useT } from '../../i18n';
import { WORDLIST } from '../../../core/slip39/wordlist';

/** SLIP-39 words are unique in their first four letters: four letters name the word. */
const BY_PREFIX = new Map<string, string>(WORDLIST.map((w) => [w.slice(0, 4), w]));
const WORDS = new Set(WORDLIST);

export type WordState = 'empty' | 'typing' | 'ok' | 'unknown' | 'incomplete' | 'differs';

/** The word these letters can only be (four letters or more, and still a prefix of it). */
export function completionOf(typed: string): string | undefined {
  if (typed.length < 4) return undefined;
  const word = BY_PREFIX.get(typed.slice(0, 4));
  return word !== undefined && word.startsWith(typed) ? word : undefined;
}

/** Whether some word starts with these letters (before four letters, several may). */
function couldBeWord(typed: string): boolean {
  if (typed.length >= 4) return completionOf(typed) !== undefined;
  return WORDLIST.some((w) => w.startsWith(typed));
}

export function wordState(typed: string, left: boolean): WordState {
  if (typed === '') return 'empty';
  if (WORDS.has(typed)) return 'ok';
  if (!couldBeWord(typed)) return 'unknown';
  return left ? 'incomplete' : 'typing';
}

interface Props {
  readonly count: number;
  /** Test ids: `${testId}-1` ... for the boxes. */
  readonly testId?: string;
  /** 1-based positions main reported as different from the shard; flagged until that box is changed. */
  readonly differs?: readonly number[];
  readonly onChange: (words: readonly string[], complete: boolean) => void;
  readonly autoFocus?: boolean;
}

/**
 * SECRET input: a custodian types their shard's words back, one box per word. Typing four letters shows the word they
 * name; Tab (or Space, or Enter) accepts it and moves on. Letters that start no word in the SLIP-39 list are flagged
 * at once; nothing is sent to main until the person confirms. Several words typed or pasted into one box spread into
 * the boxes after it.
 */
const NONE: readonly number[] = [];

export function WordEntry({ count, testId = 'word', differs = NONE, onChange, autoFocus = true }: Props) {
  const [values, setValues] = useState<string[]>(() => Array.from({ length: count }, () => ''));
  const [left, setLeft] = useState<ReadonlySet<number>>(() => new Set());
  const [edited, setEdited] = useState<ReadonlySet<number>>(() => new Set());
  const boxes = useRef<(HTMLInputElement | null)[]>([]);

  useEffect(() => {
    if (autoFocus) boxes.current[0]?.focus();
  }, [autoFocus]);
  // A new mismatch report flags its positions afresh.
  const differsKey = differs.join(',');
  useEffect(() => setEdited(new Set()), [differsKey]);

  const states = useMemo(
    () => values.map((v, i): WordState => (differs.includes(i + 1) && !edited.has(i) ? 'differs' : wordState(v, left.has(i)))),
    [values, left, differs, edited],
  );

  const commit = (next: string[], touched: readonly number[]): void => {
    setValues(next);
    setEdited((e) => new Set([...e, ...touched]));
    onChange(next, next.every((w) => WORDS.has(w)));
  };

  const type = (i: number, raw: string): void => {
    const tokens = raw.toLowerCase().replace(/[^a-z\s]/g, '').split(/\s+/);
    const next = [...values];
    const touched: number[] = [];
    if (tokens.length <= 1) {
      next[i] = tokens[0] ?? '';
      touched.push(i);
    } else {
      // Several words at once: this box and the ones after it.
      const words = tokens.filter((t, k) => t !== '' || k === 0);
      words.forEach((w, k) => {
        if (i + k < count) {
          next[i + k] = completionOf(w) ?? w;
          touched.push(i + k);
        }
      });
      const after = Math.min(count - 1, i + words.length);
      setLeft((l) => new Set([...l, ...touched]));
      window.setTimeout(() => boxes.current[after]?.focus(), 0);
    }
    commit(next, touched);
  };

  const accept = (i: number): boolean => {
    const word = completionOf(values[i] ?? '');
    if (word === undefined || word === values[i]) return false;
    const next = [...values];
    next[i] = word;
    commit(next, [i]);
    return true;
  };

  const onKeyDown = (i: number, e: React.KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Tab' && !e.shiftKey) {
      accept(i); // and let Tab move on to the next box
    } else if (e.key === ' ' || (e.key === 'Enter' && i < count - 1)) {
      e.preventDefault();
      accept(i);
      boxes.current[i + 1]?.focus();
    } else if (e.key === 'Enter') {
      accept(i);
    } else if (e.key === 'Backspace' && (values[i] ?? '') === '' && i > 0) {
      e.preventDefault();
      boxes.current[i - 1]?.focus();
    }
  };

  const entered = values.filter((v) => WORDS.has(v)).length;
  const unknown = states.map((s, i) => (s === 'unknown' || s === 'incomplete' ? i + 1 : 0)).filter((n) => n > 0);
  const differing = states.map((s, i) => (s === 'differs' ? i + 1 : 0)).filter((n) => n > 0);
  const t = useT();
  return (
    <div className="word-entry" data-testid={`${testId}-entry`}>
      <p className="word-count" role="status" data-testid={`${testId}-count`} data-entered={entered} data-unknown={unknown.length}>
        {t('words.entered', { entered, count })}
        {unknown.length > 0 ? <strong className="problem-inline">{t('words.unknown', { list: unknown.join(', ') })}</strong> : null}
        {differing.length > 0 ? <strong className="problem-inline">{t('words.differing', { list: differing.join(', ') })}</strong> : null}
      </p>
      {/* Down the columns, like the paper backup and the screen: word 2 is under word 1. */}
      <ol className="word-boxes" style={{ gridTemplateRows: `repeat(${Math.ceil(count / 3)}, auto)` }}>
        {values.map((v, i) => {
          const state = states[i] ?? 'empty';
          const completion = state === 'typing' ? completionOf(v) : undefined;
          const noteId = `${testId}-note-${i + 1}`;
          return (
            <li key={i} className={`word-box ${state}`} data-state={state}>
              <label className="word-n" htmlFor={`${testId}-${i + 1}`}>
                {i + 1}
              </label>
              <input
                id={`${testId}-${i + 1}`}
                ref={(el) => {
                  boxes.current[i] = el;
                }}
                type="text"
                className="word-input"
                autoComplete="off"
                autoCapitalize="off"
                spellCheck={false}
                aria-label={t('words.box', { n: i + 1, count })}
                aria-invalid={state === 'unknown' || state === 'differs' || state === 'incomplete' || undefined}
                aria-describedby={noteId}
                value={v}
                data-testid={`${testId}-${i + 1}`}
                onChange={(e) => type(i, e.currentTarget.value)}
                onKeyDown={(e) => onKeyDown(i, e)}
                onBlur={() => setLeft((l) => (l.has(i) ? l : new Set([...l, i])))}
              />
              <span className="word-note" id={noteId} data-testid={`${testId}-note-${i + 1}`}>
                {completion !== undefined ? (
                  <>
                    <span className="completion">{completion}</span>
                    {t('words.tab')}
                  </>
                ) : state === 'unknown' ? (
                  t('words.noteUnknown')
                ) : state === 'incomplete' ? (
                  t('words.noteIncomplete')
                ) : state === 'differs' ? (
                  t('words.noteDiffers')
                ) : (
                  ''
                )}
              </span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
