/**
 * Shards by typed words: one box per word with completion from the SLIP-39 word list (Space or Enter completes a word
 * from its first letters and moves on; a pasted share fills the boxes). "Check these words" sends the share to main.
 * When main rejects it, the words it names are marked: an unknown word with main's suggestion (one press puts it in),
 * or the word a failed checksum points at. After an accepted share the boxes are emptied.
 */
import { useId, useRef, useState } from 'react';
import type { ShardRequest } from './api';
import type { SubmitResult } from './outcome';
import { detailNumber } from './problems';
import { boxCountFor, completeWord, completions, isSlip39Word, MAX_WORDS, placeWords, splitWords, WORD_COUNTS } from './words';

interface Props {
  readonly onSubmit: (request: ShardRequest) => Promise<SubmitResult>;
  readonly busy: boolean;
}

interface Flag {
  readonly kind: 'unknown' | 'suspect';
  readonly suggestion?: string;
}

function emptyWords(n: number): string[] {
  return Array.from({ length: n }, () => '');
}

/** Word flags from a rejection's details (positions are 1-based in main's messages). */
function flagsFrom(result: SubmitResult): Map<number, Flag> {
  const flags = new Map<number, Flag>();
  if (result.outcome !== 'rejected') return flags;
  const d = result.error.details;
  if (result.error.code === 'SLIP39_WORD') {
    const unknown = Array.isArray(d?.['unknownWords']) ? (d['unknownWords'] as unknown[]) : [];
    for (const u of unknown) {
      const o = (typeof u === 'object' && u !== null ? u : {}) as Record<string, unknown>;
      const position = detailNumber(o, 'position');
      if (position !== undefined) flags.set(position - 1, typeof o['suggestion'] === 'string' ? { kind: 'unknown', suggestion: o['suggestion'] } : { kind: 'unknown' });
    }
    const first = detailNumber(d, 'position');
    if (first !== undefined && !flags.has(first - 1)) {
      const suggestion = typeof d?.['suggestion'] === 'string' ? d['suggestion'] : undefined;
      flags.set(first - 1, suggestion === undefined ? { kind: 'unknown' } : { kind: 'unknown', suggestion });
    }
  }
  if (result.error.code === 'SLIP39_CHECKSUM') {
    const suspect = detailNumber(d, 'suspectPosition');
    if (suspect !== undefined) flags.set(suspect - 1, { kind: 'suspect' });
  }
  return flags;
}

export function WordsInput({ onSubmit, busy }: Props) {
  const [count, setCount] = useState<number>(WORD_COUNTS[0]);
  const [words, setWords] = useState<string[]>(() => emptyWords(MAX_WORDS));
  const [focused, setFocused] = useState<number | null>(null);
  const [flags, setFlags] = useState<Map<number, Flag>>(new Map());
  const [problem, setProblem] = useState<string | null>(null);
  const boxes = useRef<(HTMLInputElement | null)[]>([]);
  const submitButton = useRef<HTMLButtonElement>(null);
  const countName = useId();

  const focusBox = (i: number): void => {
    if (i >= count) submitButton.current?.focus();
    else boxes.current[i]?.focus();
  };

  const setWord = (i: number, value: string): void => {
    setWords((w) => placeWords(w, i, [value]));
    if (flags.has(i)) {
      const next = new Map(flags);
      next.delete(i);
      setFlags(next);
    }
    setProblem(null);
  };

  const completeAndMove = (i: number): void => {
    const done = completeWord(words[i] ?? '');
    if (done !== undefined) setWord(i, done);
    focusBox(i + 1);
  };

  const onChange = (i: number, value: string): void => {
    const parts = splitWords(value);
    if (parts.length > 1) {
      // A pasted share (or part of one): fill the boxes from here on.
      setWords((w) => placeWords(w, i, parts));
      const filled = i + parts.length;
      setCount((c) => boxCountFor(filled, c));
      setFlags(new Map());
      setProblem(null);
      window.setTimeout(() => focusBox(Math.min(filled, MAX_WORDS)), 0);
      return;
    }
    if (/\s$/.test(value) && parts.length === 1) {
      setWord(i, completeWord(parts[0]!) ?? parts[0]!);
      focusBox(i + 1);
      return;
    }
    setWord(i, value.replace(/\s+/g, '').toLowerCase());
  };

  const submit = async (): Promise<void> => {
    const used = words.slice(0, count);
    const empty = used.map((w, i) => (w.trim() === '' ? i + 1 : 0)).filter((n) => n > 0);
    if (empty.length > 0) {
      setProblem(
        empty.length === count
          ? 'Type the words of one share first, in the order the paper copy lists them.'
          : `${empty.length === 1 ? `Word ${empty[0]} is` : `Words ${listPositions(empty)} are`} still empty. Type every word of the share (a share has ${WORD_COUNTS.join(' or ')} words; choose the count above).`,
      );
      focusBox(empty[0]! - 1);
      return;
    }
    const result = await onSubmit({ text: used.join(' ') });
    if (result.outcome === 'rejected') {
      const next = flagsFrom(result);
      setFlags(next);
      const first = [...next.keys()].sort((a, b) => a - b)[0];
      if (first !== undefined) focusBox(first);
      return;
    }
    setWords(emptyWords(MAX_WORDS));
    setFlags(new Map());
    focusBox(0);
  };

  const focusedWord = focused === null ? '' : (words[focused] ?? '');
  const matches = focused !== null && focusedWord !== '' && !isSlip39Word(focusedWord) ? completions(focusedWord) : [];
  const flagList = [...flags.entries()].sort((a, b) => a[0] - b[0]);

  return (
    <div className="words-input" data-testid="words-input">
      <p className="muted">
        The words of one share, in order. Space or Enter completes a word from its first letters; a pasted share fills
        the boxes.
      </p>
      <fieldset className="rw-count">
        <legend className="visually-hidden">Words in this share</legend>
        <span className="label" aria-hidden="true">
          Length:
        </span>
        {WORD_COUNTS.map((n) => (
          <label className="radio" key={n}>
            <input type="radio" name={countName} checked={count === n} onChange={() => setCount(n)} data-testid={`word-count-${n}`} />
            {n} words
          </label>
        ))}
      </fieldset>
      <ol className="rw-grid" data-testid="word-grid">
        {Array.from({ length: count }, (_, i) => {
          const flag = flags.get(i);
          const word = words[i] ?? '';
          const state = flag ? flag.kind : word !== '' && !isSlip39Word(word) && focused !== i ? 'unknown-local' : 'plain';
          return (
            <li key={i} className={`rw-box ${state}`} data-testid={`word-${i + 1}`} data-state={state}>
              <label htmlFor={`word-input-${i}`}>{i + 1}</label>
              <input
                id={`word-input-${i}`}
                ref={(el) => {
                  boxes.current[i] = el;
                }}
                type="text"
                value={word}
                autoComplete="off"
                autoCapitalize="off"
                autoCorrect="off"
                spellCheck={false}
                aria-invalid={flag ? true : undefined}
                aria-label={`Word ${i + 1} of ${count}`}
                data-testid={`word-input-${i + 1}`}
                onFocus={() => setFocused(i)}
                onBlur={() => {
                  const done = completeWord(word);
                  if (done !== undefined && done !== word) setWord(i, done);
                }}
                onChange={(e) => onChange(i, e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    completeAndMove(i);
                  }
                }}
              />
            </li>
          );
        })}
      </ol>
      <div className="rw-completion" aria-live="polite" data-testid="word-completion">
        {focused !== null && matches.length > 0 ? (
          <>
            <span className="muted">Word {focused + 1} could be:</span>
            {matches.map((m) => (
              <button
                type="button"
                key={m}
                className="button small secondary"
                data-testid="completion-option"
                // Keep the box's focus so the choice lands in it.
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => {
                  setWord(focused, m);
                  focusBox(focused + 1);
                }}
              >
                {m}
              </button>
            ))}
          </>
        ) : focused !== null && focusedWord !== '' && !isSlip39Word(focusedWord) && !flags.has(focused) ? (
          <span className="problem">No SLIP-39 word starts like word {focused + 1}. Check the paper copy.</span>
        ) : null}
      </div>
      {flagList.length > 0 ? (
        <ul className="rw-flags" data-testid="word-flags">
          {flagList.map(([i, f]) => (
            <li key={i} data-testid="word-flag" data-position={i + 1} data-kind={f.kind}>
              {f.kind === 'unknown' ? (
                <>
                  <strong>Word {i + 1} is not a SLIP-39 word.</strong>{' '}
                  {f.suggestion ? (
                    <>
                      Did you mean <strong data-testid="word-suggestion">{f.suggestion}</strong>?{' '}
                      <button type="button" className="button small secondary" data-testid="use-suggestion" onClick={() => setWord(i, f.suggestion!)}>
                        Use “{f.suggestion}” as word {i + 1}
                      </button>
                    </>
                  ) : (
                    'Compare it with the paper copy.'
                  )}
                </>
              ) : (
                <>
                  <strong>Check word {i + 1} first:</strong> if only one word is wrong, it is this one.
                </>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {problem ? (
        <p className="problem" role="alert" data-testid="words-problem">
          {problem}
        </p>
      ) : null}
      <div className="actions">
        <button type="button" className="button" ref={submitButton} disabled={busy} onClick={() => void submit()} data-testid="words-submit">
          Check these words
        </button>
        <button
          type="button"
          className="button secondary"
          data-testid="words-clear"
          onClick={() => {
            setWords(emptyWords(MAX_WORDS));
            setFlags(new Map());
            setProblem(null);
            focusBox(0);
          }}
        >
          Clear the words
        </button>
      </div>
    </div>
  );
}

function listPositions(ns: readonly number[]): string {
  // Runs as ranges: 21, 22, 23 -> "21 to 23".
  const out: string[] = [];
  let start = ns[0]!;
  let prev = start;
  for (const n of [...ns.slice(1), Infinity]) {
    if (n === prev + 1) {
      prev = n;
      continue;
    }
    out.push(start === prev ? String(start) : `${start} to ${prev}`);
    start = n;
    prev = n;
  }
  return out.join(', ');
}
