import { useId, useState } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { ScreenTitle } from '../../components/Shell';
import { t as tNow, useI18n } from '../../i18n';
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
  const { t, rich } = useI18n();
  const s = plan.secret;
  const title = importing ? t('generate.import') : s.type === 'new-key' ? t('generate.key', { curve: s.curve }) : s.type === 'new-seed' ? t('generate.seed') : t('generate.secret');
  const failed = importing
    ? t('generate.importFailed')
    : s.type === 'new-key'
      ? t('generate.keyFailed', { curve: s.curve })
      : s.type === 'new-seed'
        ? t('generate.seedFailed')
        : t('generate.secretFailed');

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
      <ScreenTitle>{title}</ScreenTitle>
      <p className="lead">{t('generate.lead', { secret: secretSentence(plan) })}</p>
      {e ? (
        <p className="ok-item" data-testid="entropy-summary">
          {e.diceRolls > 0
            ? t('generate.gatheredDice', { sources: names(e.sources.map(sourceText)), rolls: e.diceRolls, bits: e.diceBits })
            : t('generate.gathered', { sources: names(e.sources.map(sourceText)) })}
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
            <h2>{t('generate.again.title')}</h2>
            <p>{rich('generate.again.text', { sources: <strong>{names(again.map(sourceText))}</strong> })}</p>
            <EntropySources value={sources} onChange={setSources} secretBits={secretBitsOf(plan)} disabled={busy} {...(entropyToken ? { entropyToken } : {})} />
          </section>
        ) : null}
        {importing && wordCount !== null ? (
          <fieldset className="import-form" data-testid="import-form">
            <legend>{t('generate.form')}</legend>
            <label>
              <input type="radio" name="import-form" checked={form === 'hex'} onChange={() => setForm('hex')} data-testid="import-form-hex" /> {t('generate.form.hex')}
            </label>
            <label>
              <input type="radio" name="import-form" checked={form === 'bip39'} onChange={() => setForm('bip39')} data-testid="import-form-bip39" /> {t('generate.form.bip39', { count: wordCount })}
            </label>
          </fieldset>
        ) : null}
        {asWords ? (
          <div className="field">
            <span className="label">{t('generate.bip39.label', { count: wordCount ?? 0 })}</span>
            <span className="hint">{t('generate.bip39.hint')}</span>
            <Bip39Fields words={bip39Words} onChange={setBip39Words} disabled={busy} />
          </div>
        ) : null}
        {importing && !asWords ? (
          <div className="field">
            <label htmlFor={hexId}>{t('generate.hex.label')}</label>
            <span className="hint">{t('generate.hex.hint')}</span>
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
        {error ? <ErrorPanel title={failed} error={error.info} testId="generate-error" focus /> : null}
        <div className="actions">
          <button
            type="submit"
            className="button"
            disabled={busy || (importing && (asWords ? !wordsReady : secretHex.trim() === '')) || (again !== null && !sourcesReady(sources))}
            data-testid="generate"
          >
            {busy ? t('generate.working') : title}
          </button>
        </div>
      </form>
    </>
  );
}

export function sourceText(source: string): string {
  if (source === 'os-csprng' || source === 'os') return tNow('generate.source.os');
  const dice = /^dice-(\d+)-rolls$/.exec(source);
  if (dice) return tNow('generate.source.dice', { count: dice[1] ?? '' });
  if (source.startsWith('pkcs11') || source.startsWith('hsm')) return tNow('generate.source.hsm');
  return source;
}
