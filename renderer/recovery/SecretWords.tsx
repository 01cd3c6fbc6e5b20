/**
 * SECRET: a recovered seed as words to write down (main's recovery:export display answer, seed-words.ts): the BIP-39
 * mnemonic of a wallet the ceremony imported (or one the person asks for), else one SLIP-39 share that alone restores
 * the seed. Numbered like a paper backup; not for the clipboard. The person may ask for the other list.
 */
import { useState } from 'react';
import { ErrorPanel } from '../components/ErrorPanel';
import type { ErrorInfo } from '../components/errors';
import { recoveryApi } from './api';
import type { ShownSecret } from './ExportPanel';
import { problemInfo } from './problems';
import './SecretWords.css';

const BIP39_BYTES = [16, 20, 24, 28, 32];

function heading(words: NonNullable<ShownSecret['words']>): string {
  if (words.list === 'slip39') return `As one SLIP-39 share (${words.words.length} words) that alone restores this seed in any SLIP-39 wallet:`;
  return words.walletChecked === true
    ? `As the BIP-39 mnemonic (${words.words.length} words) of the wallet the ceremony split: its fingerprint is the one checked above.`
    : `As a BIP-39 mnemonic (${words.words.length} words), because you asked: the fingerprint checked above is not of this wallet, so check the wallet it restores.`;
}

export function SecretWords({ secret, onChange }: { secret: ShownSecret; onChange: (s: ShownSecret) => void }) {
  const [problem, setProblem] = useState<ErrorInfo | null>(null);
  const words = secret.words;
  if (secret.secretKind !== 'seed' || secret.scheme !== 'slip39') return null;
  const other = words?.list === 'bip39' ? 'slip39' : BIP39_BYTES.includes(secret.secretHex.length / 2) ? 'bip39' : null;
  const ask = (list: 'bip39' | 'slip39'): void => {
    setProblem(null);
    void recoveryApi.showSecret(list).then((r) => {
      if (r.ok && r.value.kind === 'display') onChange(r.value);
      else if (!r.ok) setProblem(problemInfo(r.error));
    });
  };
  return (
    <div className="secret-words" data-testid="secret-words" data-list={words?.list ?? ''}>
      {words ? (
        <>
          <p data-testid="secret-words-heading">{heading(words)}</p>
          <ol
            className="secret-word-list mono"
            data-testid="secret-word-list"
            onCopy={(e) => e.preventDefault()}
            onCut={(e) => e.preventDefault()}
            onContextMenu={(e) => e.preventDefault()}
          >
            {words.words.map((w, i) => (
              <li key={i}>
                <span className="word-n">{i + 1}</span> {w}
              </li>
            ))}
          </ol>
        </>
      ) : null}
      {problem ? <ErrorPanel title="The words cannot be shown" error={problem} testId="secret-words-error" /> : null}
      {other ? (
        <button type="button" className="button secondary" onClick={() => ask(other)} data-testid={`secret-words-${other}`}>
          {other === 'bip39' ? 'Show it as a BIP-39 mnemonic instead' : 'Show it as a SLIP-39 share instead'}
        </button>
      ) : null}
    </div>
  );
}
