/**
 * Shards by typed words: one box per word with completion from the SLIP-39 word list (Space or Enter completes a word
 * from its first letters and moves on; a pasted share fills the boxes). "Check these words" sends the share to main.
 * When main rejects it, the words it names are marked: an unknown word with main's suggestion (one press puts it in),
 * or the word a failed checksum points at. After an accepted share the boxes are emptied.
 */
import { useId, useRef, useState } from 'react';
import { useI18n, type T } from '../i18n';
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
  const { t, rich } = useI18n();

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
      const params = { positions: listPositions(empty, t), counts: WORD_COUNTS.join(t('typed.or')) };
      setProblem(empty.length === count ? t('typed.noneTyped') : t(empty.length === 1 ? 'typed.emptyOne' : 'typed.emptyMany', params));
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
      <p className="muted">{t('typed.lead')}</p>
      <fieldset className="rw-count">
        <legend className="visually-hidden">{t('typed.countLegend')}</legend>
        <span className="label" aria-hidden="true">
          {t('typed.length')}
        </span>
        {WORD_COUNTS.map((n) => (
          <label className="radio" key={n}>
            <input type="radio" name={countName} checked={count === n} onChange={() => setCount(n)} data-testid={`word-count-${n}`} />
            {t('typed.count', { n })}
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
                aria-label={t('typed.boxLabel', { n: i + 1, count })}
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
            <span className="muted">{t('typed.couldBe', { n: focused + 1 })}</span>
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
          <span className="problem">{t('typed.noMatch', { n: focused + 1 })}</span>
        ) : null}
      </div>
      {flagList.length > 0 ? (
        <ul className="rw-flags" data-testid="word-flags">
          {flagList.map(([i, f]) => (
            <li key={i} data-testid="word-flag" data-position={i + 1} data-kind={f.kind}>
              {f.kind === 'unknown' ? (
                <>
                  <strong>{t('typed.unknown', { n: i + 1 })}</strong>{' '}
                  {f.suggestion ? (
                    <>
                      {rich('typed.didYouMean', { word: <strong data-testid="word-suggestion">{f.suggestion}</strong> })}{' '}
                      <button type="button" className="button small secondary" data-testid="use-suggestion" onClick={() => setWord(i, f.suggestion!)}>
                        {t('typed.useSuggestion', { word: f.suggestion, n: i + 1 })}
                      </button>
                    </>
                  ) : (
                    t('typed.compare')
                  )}
                </>
              ) : (
                <>
                  <strong>{t('typed.suspect', { n: i + 1 })}</strong> {t('typed.suspectWhy')}
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
          {t('typed.check')}
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
          {t('typed.clear')}
        </button>
      </div>
    </div>
  );
}

function listPositions(ns: readonly number[], t: T): string {
  // Runs as ranges: 21, 22, 23 -> "21 to 23".
  const out: string[] = [];
  let start = ns[0]!;
  let prev = start;
  for (const n of [...ns.slice(1), Infinity]) {
    if (n === prev + 1) {
      prev = n;
      continue;
    }
    out.push(start === prev ? String(start) : t('typed.range', { from: start, to: prev }));
    start = n;
    prev = n;
  }
  return out.join(', ');
}
