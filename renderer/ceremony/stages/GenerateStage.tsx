import { useId, useState } from 'react';
import { ErrorPanel } from '../../components/ErrorPanel';
import { ScreenTitle } from '../../components/Shell';
import { ask } from '../api';
import type { StageProps } from '../context';
import { entropyTokenOf, names, secretSentence } from '../names';
import { EntropySources, initialSources, sourcesReady, sourcesRequest, type SourcesValue } from '../parts/EntropySources';
import { secretBitsOf } from '../secretSize';
import { useAction } from '../useAction';

/** Generate the secret from the gathered entropy (or import an existing one). Main keeps it; the screen gets its fingerprint. */
export function GenerateStage({ status, plan, results, setStatus, remember }: StageProps) {
  const importing = plan.secret.type === 'import';
  const [secretHex, setSecretHex] = useState('');
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
    const r = await run(() => (importing ? ask('ceremony:import-secret', { ...entropy, secretHex: secretHex.trim() }) : ask('ceremony:generate', entropy)));
    setSecretHex('');
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
        {importing ? (
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
            disabled={busy || (importing && secretHex.trim() === '') || (again !== null && !sourcesReady(sources))}
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
