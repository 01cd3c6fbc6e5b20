import { useId, useMemo, useState } from 'react';
import { analyzeCoalitions, reachesQuorum, type Custodian } from '../../../core/policy';
import { ownValue } from '../../../core/own';
import { ErrorPanel } from '../../components/ErrorPanel';
import { SecretBanner } from '../../components/SecretBanner';
import { ScreenTitle } from '../../components/Shell';
import { useT } from '../../i18n';
import { ask, type ShardResponse } from '../api';
import type { StageProps } from '../context';
import { custodianToken, names } from '../names';
import { PinField, pinReady } from '../../devices';
import { PinErrorNote } from '../parts/PinErrorNote';
import { ExceptionPanel } from '../parts/ExceptionPanel';
import { Fingerprint } from '../parts/Fingerprint';
import { ShardTextEntry } from '../parts/ShardTextEntry';
import { SignOffPanel } from '../parts/SignOffPanel';
import { WordEntry } from '../parts/WordEntry';
import { wordsPerShare } from '../secretSize';
import { useAction } from '../useAction';

type Mode = 'give-back' | 'machine';

/** Custodians who can give their shard back by typing it (words or shard text). */
function canGiveBack(c: Custodian): boolean {
  return c.medium === 'paper' || c.medium === 'screen-qr';
}

/** Custodians whose shard keyshard reads back from their token (they type their PIN). */
function onToken(c: Custodian): boolean {
  return c.medium === 'pkcs11';
}

/**
 * Test recovery: a quorum of custodians give their shards back (or, if the room agrees, keyshard uses its own copies
 * of those custodians' shards); main recovers the secret and compares its fingerprint with the one read aloud.
 */
export function TestRecoveryStage(props: StageProps) {
  const { status, plan, results, setStatus, remember } = props;
  const done = status.lastStep === 'test-recovery' && status.signOff !== null;
  const firstQuorum = useMemo(() => {
    try {
      const typable = plan.custodians.filter((c) => canGiveBack(c) || onToken(c)).map((c) => c.id);
      const all = analyzeCoalitions(plan, { limit: 50 }).coalitions.map((x) => [...x.custodianIds]);
      return all.find((ids) => ids.every((id) => typable.includes(id))) ?? all[0] ?? [];
    } catch {
      return [];
    }
  }, [plan]);
  const [chosen, setChosen] = useState<readonly string[]>(firstQuorum);
  const [mode, setMode] = useState<Mode>('give-back');
  const [given, setGiven] = useState<Readonly<Record<string, { texts: string[]; ok: boolean[] }>>>({});
  /** Custodians who finished typing and hid their entry; the first of the others is the one typing now. */
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());
  /** Token custodians' PINs, each typed by its holder; cleared when the request is sent. */
  const [pins, setPins] = useState<Readonly<Record<string, string>>>({});
  const { busy, error, run } = useAction();
  const modeId = useId();
  const t = useT();
  const slip39 = plan.scheme.type === 'slip39';
  const quorum = reachesQuorum(plan, chosen);
  const chosenCustodians = plan.custodians.filter((c) => chosen.includes(c.id));
  const cannot = mode === 'give-back' ? chosenCustodians.filter((c) => !canGiveBack(c) && !onToken(c)) : [];
  const typedAll = (id: string, shares: number): boolean => {
    const g = ownValue(given, id);
    return g !== undefined && g.ok.length === shares && g.ok.every(Boolean);
  };
  const typists = chosenCustodians.filter(canGiveBack);
  const holders = mode === 'give-back' ? chosenCustodians.filter(onToken) : [];
  const allTyped = typists.every((c) => typedAll(c.id, c.shares.length)) && holders.every((c) => pinReady(ownValue(pins, c.id) ?? ''));
  const typing = typists.find((c) => !hidden.has(c.id));

  const test = async (): Promise<void> => {
    const tokens = holders.map((c) => ({ custodianId: c.id, pin: ownValue(pins, c.id) ?? '' }));
    // The PINs leave the page's state as they are sent, whatever the answer.
    setPins({});
    const responses = typists.map((c) => ({
      custodianId: c.id,
      shards: (ownValue(given, c.id)?.texts ?? []).map((t): ShardResponse => (slip39 ? { words: t } : { text: t })),
    }));
    const request =
      mode === 'machine'
        ? { custodianIds: [...chosen] }
        : { ...(responses.length > 0 ? { responses } : {}), ...(tokens.length > 0 ? { tokens } : {}) };
    const r = await run(() => ask('ceremony:test-recovery', request));
    if (r === undefined) return;
    remember({ recovery: r });
    setStatus(r.status);
  };

  const r = results.recovery;
  // A run after a failed one repeats the step: main waits for the exception (reason, witness) before it.
  const needed = status.exceptionNeeded?.stepId === 'test-recovery' && status.exceptionNeeded.deviation === 'step-repeated' ? status.exceptionNeeded : null;
  if (done) {
    const who = r ? names(r.custodianIds.map((id) => plan.custodians.find((c) => c.id === id)?.name ?? id)) : '';
    const copies = r?.shardsFrom === 'keyshard-copies';
    return (
      <>
        <ScreenTitle>{copies ? t('test.titleCopies') : t('test.titleDone')}</ScreenTitle>
        <div className="summary-ok" data-testid="recovery-match" data-shards-from={r?.shardsFrom ?? ''}>
          <h2>{t('test.match')}</h2>
          {r === undefined ? null : copies ? (
            <p data-testid="recovery-meaning">{t('test.copiesMeaning', { who })}</p>
          ) : (
            <p data-testid="recovery-meaning">{t('test.giveBackMeaning', { who })}</p>
          )}
        </div>
        {r ? <Fingerprint display={r.recovered.display} hex={r.recovered.hex} testId="recovered-fingerprint" showHex={false} /> : null}
        <SignOffPanel {...props} continueLabel={t('test.continue')} />
      </>
    );
  }

  const set = (id: string, k: number, text: string, ok: boolean, count: number): void =>
    setGiven((g) => {
      const cur = ownValue(g, id) ?? { texts: Array.from({ length: count }, () => ''), ok: Array.from({ length: count }, () => false) };
      return { ...g, [id]: { texts: cur.texts.map((x, j) => (j === k ? text : x)), ok: cur.ok.map((x, j) => (j === k ? ok : x)) } };
    });

  return (
    <>
      <ScreenTitle>{t('test.title')}</ScreenTitle>
      {needed === null ? <p className="lead">{t('test.lead')}</p> : null}
      {/* After a failed run the exception form says what failed (one panel, so its record button is in the first view). */}
      {needed !== null ? (
        <ExceptionPanel
          needed={needed}
          cause={r && !r.fingerprintMatch ? `${t('test.mismatch')}: ${t('test.mismatchMessage', { recovered: r.recovered.display, expected: r.expected.display })}` : needed.what}
          plan={plan}
          setStatus={setStatus}
        />
      ) : r && !r.fingerprintMatch ? (
        <ErrorPanel
          title={t('test.mismatch')}
          testId="recovery-mismatch"
          error={{ code: 'SHARES_MISMATCH', message: t('test.mismatchMessage', { recovered: r.recovered.display, expected: r.expected.display }), todo: t('test.mismatchTodo') }}
        />
      ) : null}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void test();
        }}
      >
        <fieldset data-testid="recovery-custodians">
          <legend>{t('test.who')}</legend>
          <div className="choice-row">
            {plan.custodians.map((c) => (
              <label key={c.id} className="checkbox">
                <input
                  type="checkbox"
                  checked={chosen.includes(c.id)}
                  onChange={(e) => {
                    const on = e.currentTarget.checked;
                    setChosen((x) => (on ? plan.custodians.map((y) => y.id).filter((id) => id === c.id || x.includes(id)) : x.filter((id) => id !== c.id)));
                  }}
                  data-testid={`recovery-${c.id}`}
                />
                {c.name}
              </label>
            ))}
          </div>
          <p role="status" className={quorum ? 'ok-line' : 'problem-inline'} data-testid="recovery-quorum" data-quorum={quorum}>
            {quorum ? t('test.quorum', { names: names(chosenCustodians.map((c) => c.name)) }) : t('test.noQuorum')}
          </p>
        </fieldset>
        <fieldset aria-labelledby={modeId}>
          <legend id={modeId}>{t('test.which')}</legend>
          <div className="choice-row">
            <label className="checkbox">
              <input type="radio" name="recovery-mode" checked={mode === 'give-back'} onChange={() => setMode('give-back')} data-testid="recovery-mode-give-back" />
              {t('test.giveBack')}
            </label>
            <label className="checkbox">
              <input type="radio" name="recovery-mode" checked={mode === 'machine'} onChange={() => setMode('machine')} data-testid="recovery-mode-machine" />
              {t('test.machine')}
            </label>
          </div>
          {cannot.length > 0 ? (
            <p className="problem-inline" data-testid="recovery-cannot">
              {t('test.cannot', { count: cannot.length, names: names(cannot.map((c) => c.name)) })}
            </p>
          ) : null}
        </fieldset>
        {mode === 'give-back'
          ? typists.map((c) => {
              const now = typing?.id === c.id;
              const done = typedAll(c.id, c.shares.length);
              return (
                <section key={c.id} className={`panel giveback${now ? ' now' : ''}`} data-testid={`giveback-${c.id}`} data-state={now ? 'typing' : hidden.has(c.id) ? 'hidden' : 'waiting'}>
                  {now ? <SecretBanner custodian={c.name} /> : null}
                  <h2>
                    {hidden.has(c.id) && done ? <span className="tick">✓ </span> : null}
                    {now ? t('test.typing', { name: c.name }) : hidden.has(c.id) ? t('test.given', { name: c.name }) : t('test.next', { name: c.name })}
                  </h2>
                  {/* Entries stay mounted (they keep what was typed) but only the one being typed is shown. */}
                  <div hidden={!now}>
                    {c.shares.map((_, k) =>
                      slip39 ? (
                        <WordEntry
                          key={k}
                          count={wordsPerShare(plan)}
                          testId={`rec-${c.id}-${k + 1}`}
                          autoFocus={false}
                          onChange={(words, ok) => set(c.id, k, words.join(' '), ok, c.shares.length)}
                        />
                      ) : (
                        <ShardTextEntry key={k} testId={`rec-${c.id}-${k + 1}`} autoFocus={false} onChange={(text) => set(c.id, k, text, text.trim() !== '', c.shares.length)} />
                      ),
                    )}
                    <button type="button" className="button secondary" disabled={!done} onClick={() => setHidden((h) => new Set([...h, c.id]))} data-testid={`giveback-done-${c.id}`}>
                      {t('test.hide', { name: c.name })}
                    </button>
                  </div>
                  {hidden.has(c.id) ? (
                    <button
                      type="button"
                      className="button secondary small"
                      onClick={() => setHidden((h) => new Set([...h].filter((x) => x !== c.id)))}
                      data-testid={`giveback-edit-${c.id}`}
                    >
                      {t('test.show', { name: c.name })}
                    </button>
                  ) : null}
                </section>
              );
            })
          : null}
        {holders.map((c) => (
          <section key={c.id} className="panel pin-panel" data-testid={`token-giveback-${c.id}`}>
            <h2>{t('test.token', { name: c.name })}</h2>
            <PinField
              whose={c.name}
              token={custodianToken(status, c)}
              value={ownValue(pins, c.id) ?? ''}
              onChange={(v) => setPins((p) => ({ ...p, [c.id]: v }))}
              testId={`recovery-pin-${c.id}`}
              disabled={busy}
              hint={t('test.tokenHint', { name: c.name })}
            />
          </section>
        ))}
        {busy && holders.length > 0 ? (
          <p role="status" className="token-progress" data-testid="recovery-progress">
            {t('test.reading')}
          </p>
        ) : null}
        {error ? (
          <ErrorPanel title={t('test.failed')} error={error.info} testId="recovery-error" focus>
            <PinErrorNote error={error} testId="recovery-error-note" />
          </ErrorPanel>
        ) : null}
        {/* Until the repeat's exception is recorded, its form holds the one primary action. */}
        {needed !== null ? null : (
          <div className="actions">
            <button
              type="submit"
              className="button"
              disabled={busy || !quorum || cannot.length > 0 || (mode === 'give-back' && (!allTyped || typing !== undefined))}
              data-testid="recovery-run"
            >
              {busy ? t('test.recovering') : t('test.run')}
            </button>
          </div>
        )}
      </form>
    </>
  );
}
