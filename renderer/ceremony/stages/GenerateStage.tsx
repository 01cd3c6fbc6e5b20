import { useId, useState } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { ScreenTitle } from '../../components/Shell';
import { ask } from '../api';
import type { StageProps } from '../context';
import { entropyTokenOf, names, secretSentence } from '../names';
import { isBip39EntropyLength } from '../../../core/bip39';
import { Bip39Fields, unknownPositions } from '../parts/Bip39Fields';
import { EntropySources, initialSources, sourcesReady, sourcesRequest, type SourcesValue } from '../parts/EntropySources';
import { secretBitsOf } from '../secretSize';
import { useAction } from '../useAction';

/** Generate the secret from the gathered entropy (or import an existing one). Main keeps it; the screen gets its fingerprint. */
/** Words of the BIP-39 mnemonic a seed import of this length takes (4 bytes per 3 words), or null when none does. */
function bip39WordsFor(plan: StageProps['plan']): number | null {
  const s = plan.secret;
  return s.type === 'import' && s.kind === 'seed' && isBip39EntropyLength(s.lengthBytes) ? (s.lengthBytes * 3) / 4 : null;
}

export function GenerateStage({ status, plan, results, setStatus, remember }: StageProps) {
  const importing = plan.secret.type === 'import';
  const [secretHex, setSecretHex] = useState('');
  // A seed of a BIP-39 wallet's length may be typed as that wallet's mnemonic, word by word (main splits its entropy).
  const wordCount = bip39WordsFor(plan);
  const [form, setForm] = useState<'hex' | 'bip39'>('hex');
  const [bip39Words, setBip39Words] = useState<string[]>(() => Array<string>(wordCount ?? 0).fill(''));
  const asWords = importing && wordCount !== null && form === 'bip39';
  const wordsReady = bip39Words.every((w) => w.trim() !== '') && unknownPositions(bip39Words).length === 0;
  // The entropy token main fixed at start (from its status, so a reloaded window still knows it).
  const entropyToken = entropyTokenOf(status);
  const [sources, setSources] = useState<SourcesValue>(() => initialSources(entropyToken));
  const { busy, error, run } = useAction();
  const hexId = useId();
  const again = status.entropyNeeded;
  const what = plan.secret.type === 'new-key' ? `${plan.secret.curve} key` : plan.secret.type === 'new-seed' ? 'seed' : 'secret';

  const go = async (): Promise<void> => {
    const entropy = again === null ? {} : sourcesRequest(sources);
    setSources((s) => ({ ...s, pin: '' }));
    const r = await run(() =>
      importing
        ? ask('ceremony:import-secret', asWords ? { ...entropy, bip39Words: bip39Words.map((w) => w.trim()) } : { ...entropy, secretHex: secretHex.trim() })
        : ask('ceremony:generate', entropy),
    );
    setSecretHex('');
    // Kept only on failure, so the holder corrects the word named instead of typing all again; gone once imported.
    if (r !== undefined) setBip39Words((ws) => ws.map(() => ''));
    if (r === undefined) return;
    remember({ secret: r });
    setStatus(r.status);
  };

  const e = results.entropy;
  return (
    <>
      <ScreenTitle>{importing ? 'Import the secret' : `Generate the ${what}`}</ScreenTitle>
      <p className="lead">
        {secretSentence(plan)}. keyshard makes it inside the main process and shows only its fingerprint, for everyone to read aloud.
      </p>
      {e ? (
        <p className="ok-item" data-testid="entropy-summary">
          Entropy gathered from {names(e.sources.map(sourceText))}
          {e.diceRolls > 0 ? ` (${e.diceRolls} dice rolls, ${e.diceBits} bits)` : ''}.
        </p>
      ) : null}
      <form
        onSubmit={(ev) => {
          ev.preventDefault();
          void go();
        }}
      >
        {again !== null ? (
          <section className="panel" data-testid="entropy-again">
            <h2>Give the same entropy sources again</h2>
            <p>
              keyshard was restarted after the entropy step; the entropy was only in memory. The transcript records these sources:{' '}
              <strong>{names(again.map(sourceText))}</strong>. Give the same ones again (fresh dice rolls, the same number).
            </p>
            <EntropySources value={sources} onChange={setSources} secretBits={secretBitsOf(plan)} disabled={busy} {...(entropyToken ? { entropyToken } : {})} />
          </section>
        ) : null}
        {importing && wordCount !== null ? (
          <fieldset className="import-form" data-testid="import-form">
            <legend>How the holder types the secret</legend>
            <label>
              <input type="radio" name="import-form" checked={form === 'hex'} onChange={() => setForm('hex')} data-testid="import-form-hex" /> As hexadecimal
            </label>
            <label>
              <input type="radio" name="import-form" checked={form === 'bip39'} onChange={() => setForm('bip39')} data-testid="import-form-bip39" /> As a BIP-39
              wallet&apos;s mnemonic ({wordCount} words)
            </label>
          </fieldset>
        ) : null}
        {asWords ? (
          <div className="field">
            <span className="label">The wallet&apos;s {wordCount} words, in order</span>
            <span className="hint">
              Typed by its holder. keyshard splits the wallet&apos;s entropy; the fingerprint read aloud is the wallet&apos;s own (from its BIP-39
              seed, as the wallet shows it). The words are never shown, saved or recorded.
            </span>
            <Bip39Fields words={bip39Words} onChange={setBip39Words} disabled={busy} />
          </div>
        ) : null}
        {importing && !asWords ? (
          <div className="field">
            <label htmlFor={hexId}>The existing secret, as hexadecimal</label>
            <span className="hint">Typed by its holder. It is never shown, saved or recorded; only its fingerprint is.</span>
            <input
              id={hexId}
              type="password"
              className="mono"
              autoComplete="off"
              spellCheck={false}
              value={secretHex}
              onChange={(ev) => setSecretHex(ev.currentTarget.value)}
              data-testid="import-secret"
            />
          </div>
        ) : null}
        {error ? <ErrorPanel title={importing ? 'The secret was not imported' : `The ${what} was not generated`} error={error.info} testId="generate-error" focus /> : null}
        <div className="actions">
          <button
            type="submit"
            className="button"
            disabled={busy || (importing && (asWords ? !wordsReady : secretHex.trim() === '')) || (again !== null && !sourcesReady(sources))}
            data-testid="generate"
          >
            {busy ? 'Working…' : importing ? 'Import the secret' : `Generate the ${what}`}
          </button>
        </div>
      </form>
    </>
  );
}

export function sourceText(source: string): string {
  if (source === 'os-csprng' || source === 'os') return 'the operating system generator';
  const dice = /^dice-(\d+)-rolls$/.exec(source);
  if (dice) return `${dice[1]} dice rolls`;
  if (source.startsWith('pkcs11') || source.startsWith('hsm')) return 'the HSM generator';
  return source;
}
