/**
 * A BIP-39 wallet's mnemonic typed word by word, for the import step. The words go to main only (ceremony:import-secret
 * as bip39Words) and are cleared after; here each is only checked against the public BIP-39 English list, so a typo is
 * marked at its position before anything is sent. Hidden like the hex field: the room sees the fingerprint, not the words.
 */
import { useId } from 'react';
import { isBip39Word } from '../../../core/bip39';
import './Bip39Fields.css';

interface Props {
  readonly words: readonly string[];
  readonly onChange: (words: string[]) => void;
  readonly disabled?: boolean;
}

/** Positions (1-based) of typed words that are not on the list; empty fields are not counted. */
export function unknownPositions(words: readonly string[]): number[] {
  return words.flatMap((w, i) => (w.trim() !== '' && !isBip39Word(w) ? [i + 1] : []));
}

export function Bip39Fields({ words, onChange, disabled = false }: Props) {
  const id = useId();
  const unknown = unknownPositions(words);
  const set = (i: number, value: string): void => {
    // A whole mnemonic pasted into one field fills the fields from there on.
    const parts = value.trim().split(/\s+/);
    const next = [...words];
    if (parts.length > 1) parts.forEach((p, k) => i + k < next.length && (next[i + k] = p));
    else next[i] = value;
    onChange(next);
  };
  return (
    <div className="bip39-fields" data-testid="bip39-fields">
      <ol className="bip39-grid">
        {words.map((w, i) => {
          const bad = unknown.includes(i + 1);
          return (
            <li key={i} className={bad ? 'bip39-word unknown' : 'bip39-word'} data-testid={`bip39-word-${i + 1}`} data-state={w.trim() === '' ? 'empty' : bad ? 'unknown' : 'ok'}>
              <label htmlFor={`${id}-${i}`} className="word-n">
                {i + 1}
              </label>
              <input
                id={`${id}-${i}`}
                type="password"
                autoComplete="off"
                spellCheck={false}
                maxLength={300}
                value={w}
                disabled={disabled}
                aria-invalid={bad}
                aria-label={`Word ${i + 1}`}
                onChange={(e) => set(i, e.currentTarget.value)}
                data-testid={`bip39-input-${i + 1}`}
              />
            </li>
          );
        })}
      </ol>
      <p className={unknown.length > 0 ? 'warn-text' : 'hint'} role={unknown.length > 0 ? 'alert' : undefined} data-testid="bip39-problem">
        {unknown.length > 0
          ? `Word ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not on the BIP-39 English word list. Check the spelling against the paper.`
          : 'Each word is checked against the BIP-39 English list as it is typed; the checksum is checked when the mnemonic is imported.'}
      </p>
    </div>
  );
}
