import { expectedFromTranscript, parseWitnessKeyFingerprintInput, signoffsWithKeys, type ExpectedFingerprint } from '../../core/recovery-trust';
import type { VerifyFailure, VerifyOk } from '../../core/transcript';
import { ErrorPanel } from '../components/ErrorPanel';
import { SpokenWords } from '../components/SpokenWords';
import { todoFor } from '../components/errors';
import { formatUtc, type EntryRow, type LoadedTranscript } from './readTranscript';
import { signedSteps } from '../../core/signed-steps';
import { checkpointName, stepName } from '../../core/step-names';
import { transcriptEnd } from '../../core/transcript-status';
import { useI18n, type T } from '../i18n';
import type { Language } from '../i18n/language';

const MEANING: Readonly<Record<VerifyFailure['code'], 'transcript.meaning.TRANSCRIPT_TAMPERED' | 'transcript.meaning.TRANSCRIPT_SIGNATURE' | 'transcript.meaning.TRANSCRIPT_FORMAT'>> = {
  TRANSCRIPT_TAMPERED: 'transcript.meaning.TRANSCRIPT_TAMPERED',
  TRANSCRIPT_SIGNATURE: 'transcript.meaning.TRANSCRIPT_SIGNATURE',
  TRANSCRIPT_FORMAT: 'transcript.meaning.TRANSCRIPT_FORMAT',
};

/** "cfc04fbc..." -> "cfc0 4fbc ...": easier to compare with the paper record, group by group. */
export function groupHex(hex: string): string {
  return hex.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * The key's fingerprint as the transcript records it (the last split, else generate / import entry): what a recovery
 * team compares the recovered key with. Null when the ceremony got no further than planning.
 */
export function recordedFingerprint(result: VerifyOk): { hex: string; display: string; kind: string } | null {
  for (const kind of ['split', 'generate', 'import']) {
    const entry = [...result.entries].reverse().find((e) => e.kind === kind);
    const data = entry?.data;
    const hex = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>)['fingerprint'] : undefined;
    if (typeof hex === 'string' && /^[0-9a-f]{64}$/.test(hex)) {
      return { hex, display: (hex.slice(0, 32).toUpperCase().match(/.{4}/g) ?? []).join(' '), kind };
    }
  }
  return null;
}

/** The language the plan entry records the ceremony was run in ("Deutsch"); null for older transcripts without one. */
export function recordedLanguageName(result: VerifyOk): string | null {
  const data = result.entries.find((e) => e.kind === 'plan')?.data;
  const v = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>)['language'] : undefined;
  return v === 'de' ? 'Deutsch' : v === 'en' ? 'English' : null;
}

/** The "Signed by" cell of a witness's signature or sign-off record: which entry or step, and who. */
function signsText(row: EntryRow, rows: readonly EntryRow[], t: T, lang: Language): string {
  if (row.signOff) return t('transcript.signsOff', { witness: row.signOff.witness, checkpoint: checkpointName(row.signOff.checkpoint, lang) });
  if (!row.signs) return '';
  const target = rows[row.signs.seq - 1];
  return target
    ? t('transcript.signsEntryStep', { seq: row.signs.seq, step: stepName(target.kind, lang), witness: row.signs.witness })
    : t('transcript.signsEntry', { seq: row.signs.seq, witness: row.signs.witness });
}

/** Witness ids that signed each entry, from the sign-off rows before `limit` (only those are verified). */
function signersByEntry(rows: readonly EntryRow[], limit: number): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const r of rows) {
    if (r.position >= limit || !r.signs) continue;
    const list = out.get(r.signs.seq) ?? [];
    if (!list.includes(r.signs.witness)) list.push(r.signs.witness);
    out.set(r.signs.seq, list);
  }
  return out;
}

interface VerdictProps {
  readonly loaded: LoadedTranscript;
  /** Witness key fingerprints the team recorded, as typed (the verify screen). */
  readonly pins?: readonly string[];
  /** 'resume': an interrupted ceremony's transcript, which has no seal yet by nature. */
  readonly mode?: 'verify' | 'resume';
}

/** The typed pins that are key fingerprints (lowercase hex), and how many typed lines are not. */
function parsedPins(typed: readonly string[]): { pins: string[]; bad: number } {
  const pins: string[] = [];
  let bad = 0;
  for (const t of typed) {
    try {
      pins.push(parseWitnessKeyFingerprintInput(t));
    } catch {
      bad++;
    }
  }
  return { pins, bad };
}

/** Where the recorded fingerprint's trust comes from (core/recovery-trust), or null when there is none to give. */
function fingerprintTrust(result: VerifyOk, finalHash: string | undefined, pins: readonly string[]): ExpectedFingerprint | null {
  try {
    return expectedFromTranscript(result, { ...(finalHash === undefined ? {} : { finalHash }), witnessKeys: pins });
  } catch {
    return null;
  }
}

function TrustLine({ trust }: { trust: ExpectedFingerprint }) {
  const { t, lang } = useI18n();
  const pinnedBy = [...new Set(trust.bindingSignoffs.filter((b) => b.pinned).map((b) => t('transcript.pinnedAt', { witness: b.witnessId, step: lang === 'en' ? stepName(b.targetKind).toLowerCase() : stepName(b.targetKind, lang) })))];
  return (
    <p className={trust.verified ? 'ok-line' : 'warn-text'} data-testid="transcript-fingerprint-trust" data-source={trust.source} data-verified={trust.verified}>
      {trust.source === 'final-hash'
        ? t('transcript.trust.finalHash')
        : trust.source === 'witness-keys'
          ? t('transcript.trust.witnessKeys', { pinned: pinnedBy.join('; ') })
          : trust.source === 'transcript-unfinished'
            ? t('transcript.trust.unfinished')
            : t('transcript.trust.none')}
    </p>
  );
}

export function TranscriptVerdict({ loaded, pins: typedPins = [], mode = 'verify' }: VerdictProps) {
  const { t, lang } = useI18n();
  const { result } = loaded;
  if (result.ok) {
    // Steps as main's transcript:verify lists them: the sign-off records and signatures are signers, not steps.
    const steps = signedSteps(result);
    const signed = steps.filter((s) => s.witnessIds.length > 0).length;
    const fingerprint = recordedFingerprint(result);
    // Sealed as core/ceremony replays it: the seal with its required sign-offs, nothing else after it, no abort.
    const end = transcriptEnd(result);
    const sealed = end.status === 'sealed';
    const unsealed = mode === 'verify' && !sealed;
    const { pins, bad } = parsedPins(typedPins);
    const keys = new Map<string, { id: string; algorithm: string; keyFingerprint: string; pinned: boolean }>();
    for (const s of signoffsWithKeys(result, pins)) if (!keys.has(s.keyFingerprint)) keys.set(s.keyFingerprint, { id: s.witnessId, algorithm: s.algorithm, keyFingerprint: s.keyFingerprint, pinned: s.pinned });
    const trust = mode === 'verify' ? fingerprintTrust(result, loaded.finalHash, pins) : null;
    const recordedLanguage = recordedLanguageName(result);
    return (
      <section
        className={unsealed ? 'summary-warn' : 'summary-ok'}
        data-testid={unsealed ? 'transcript-unsealed' : 'transcript-ok'}
        data-sealed={sealed}
        data-status={end.status}
        role="status"
        aria-labelledby="transcript-ok-title"
      >
        <h2 id="transcript-ok-title">
          {unsealed
            ? end.status === 'aborted'
              ? t('transcript.abortedAt', { seq: end.abortSeq ?? '' })
              : t('transcript.notFinished')
            : sealed && mode === 'verify'
              ? t('transcript.sealedAt', { seq: end.sealSeq ?? '' })
              : t('transcript.checksOut')}
        </h2>
        {unsealed ? (
          <p data-testid="transcript-unsealed-text">
            {lang === 'en' ? `${end.why} ` : ''}
            {t('transcript.unsealedText')}
          </p>
        ) : null}
        <dl className="kv">
          <dt>{t('transcript.file')}</dt>
          <dd>{loaded.fileName}</dd>
          <dt>{t('transcript.ceremony')}</dt>
          <dd data-testid="transcript-ceremony">{result.ceremonyId}</dd>
          <dt>{t('transcript.entries')}</dt>
          <dd data-testid="transcript-count">{t('transcript.entryCount', { count: result.entries.length, signed, steps: steps.length })}</dd>
          {recordedLanguage ? (
            <>
              <dt>{t('transcript.language')}</dt>
              <dd data-testid="transcript-language">{recordedLanguage}</dd>
            </>
          ) : null}
          <dt>{t('transcript.witnessKeys')}</dt>
          <dd data-testid="transcript-witness-keys">
            {keys.size === 0 ? (
              t('transcript.noWitness')
            ) : (
              <ul className="witness-key-list">
                {[...keys.values()].map((k) => (
                  <li key={k.keyFingerprint} data-testid={`witness-key-${k.id}`} data-pinned={k.pinned}>
                    {k.id} ({k.algorithm}): <span className="mono">{groupHex(k.keyFingerprint.slice(0, 32))}</span>
                    {k.pinned ? ` ${t('transcript.pinned')}` : ''}
                  </li>
                ))}
              </ul>
            )}
            {bad > 0 ? <span className="warn-text"> {t('transcript.badPins', { count: bad })}</span> : null}
          </dd>
          {fingerprint ? (
            <>
              <dt>{t('transcript.keyFingerprint')}</dt>
              <dd className="mono hash" data-testid="transcript-fingerprint" data-hex={fingerprint.hex} aria-label={t('transcript.keyFingerprintAria', { display: fingerprint.display })}>
                {fingerprint.display}
                <span className="visually-hidden"> {t('transcript.recordedAt', { step: lang === 'en' ? fingerprint.kind : stepName(fingerprint.kind, lang) })}</span>
              </dd>
              <dd>
                <SpokenWords hex={fingerprint.hex} testId="transcript-fingerprint-words" what={t('transcript.keyFingerprint')} />
              </dd>
            </>
          ) : null}
          <dt>{t('transcript.finalHash')}</dt>
          <dd className="mono hash" data-testid="transcript-head" data-hash={result.headHash} aria-label={t('transcript.finalHashAria', { hash: result.headHash })}>
            {/* Two lines of eight groups, as on the sealed screen and the printed summary. */}
            <span className="hash-line">{groupHex(result.headHash.slice(0, 32))}</span>{' '}
            <span className="hash-line">{groupHex(result.headHash.slice(32))}</span>
          </dd>
          <dd>
            <SpokenWords hex={result.headHash} testId="transcript-head-words" what={t('transcript.finalHash')} />
          </dd>
        </dl>
        {trust ? <TrustLine trust={trust} /> : null}
        {loaded.finalHash === undefined ? (
          <p className="error-todo">{t('transcript.compareHead')}</p>
        ) : null}
        {fingerprint && mode === 'verify' ? (
          <p className="muted" data-testid="transcript-fingerprint-note">
            {t('transcript.fingerprintNote')}
          </p>
        ) : null}
      </section>
    );
  }
  const where = result.firstBadSeq === null ? t('transcript.wholeFile') : t('transcript.firstBroken', { seq: result.firstBadSeq });
  return (
    <ErrorPanel
      title={t('transcript.doesNotVerify')}
      testId="transcript-error"
      // core's reason is English and names the field; in German the meaning below says what it implies.
      error={{ code: result.code, message: lang === 'en' ? `${where} ${result.reason}` : where, todo: todoFor(result.code) }}
      focus
    >
      <p>{t('transcript.whatItMeans', { meaning: t(MEANING[result.code]) })}</p>
    </ErrorPanel>
  );
}

export function TranscriptEntries({ loaded }: { loaded: LoadedTranscript }) {
  const { t, lang } = useI18n();
  const { result, rows } = loaded;
  if (rows.length === 0) return null;
  const firstBad = result.ok ? null : result.firstBadSeq;
  const verifiedBefore = result.ok ? Infinity : (firstBad ?? 0);
  const signers = result.ok
    ? new Map(result.signoffs.map((s) => [s.seq, s.witnesses.map((w) => w.id)]))
    : signersByEntry(rows, verifiedBefore);
  return (
    <table className="entries" data-testid="transcript-entries">
      <caption className="visually-hidden">{t('transcript.table.caption')}</caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">{t('transcript.table.step')}</th>
          <th scope="col">{t('transcript.table.time')}</th>
          <th scope="col">{t('transcript.table.signedBy')}</th>
          <th scope="col">{t('transcript.table.check')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const state = result.ok ? 'ok' : r.position === firstBad ? 'bad' : r.position < verifiedBefore ? 'ok' : 'unchecked';
          const who = r.kind === 'signoff' || r.kind === 'sign-off' ? signsText(r, rows, t, lang) : (signers.get(r.position) ?? []).join(', ') || '—';
          const rowsOut = [
            <tr key={r.position} className={state} data-testid={`entry-${r.position}`} data-state={state}>
              <td>{r.position}</td>
              <td data-kind={r.kind}>{stepName(r.kind, lang)}</td>
              <td>{formatUtc(r.at)}</td>
              <td>{who}</td>
              <td className="check" aria-label={t(state === 'ok' ? 'transcript.state.ok' : state === 'bad' ? 'transcript.state.bad' : 'transcript.state.unchecked')}>
                {state === 'ok' ? '✓' : state === 'bad' ? '✗' : '–'}
              </td>
            </tr>,
          ];
          if (state === 'bad' && !result.ok) {
            rowsOut.push(
              <tr key={`${r.position}-detail`} className="bad-detail" data-testid="entry-bad-detail">
                <td colSpan={5}>
                  <strong>{t('transcript.firstBrokenEntry')}</strong> {t('transcript.afterUnchecked', { meaning: t(MEANING[result.code]) })}
                </td>
              </tr>,
            );
          }
          return rowsOut;
        })}
      </tbody>
    </table>
  );
}
