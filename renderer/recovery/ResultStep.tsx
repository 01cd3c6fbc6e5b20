/**
 * Recovery, last step: is this the ceremony's key, and how does keyshard know? Three answers (main's verdict,
 * core/recovery-trust.ts): green "verified" when the fingerprint matches one from something the team holds apart from
 * the shards (typed from the paper record, a transcript whose final hash was typed, or one signed by a pinned witness
 * key); amber "unverified" when it matches only an unsigned transcript or the shards' own claim - what that proves,
 * what it does not, and what to do; red "mismatch". The secret is never shown by default; it leaves main only where
 * the person chooses (ExportPanel), and into a token only when verified. A mismatch has already been wiped in main.
 */
import { useEffect, useRef, useState } from 'react';
import { language, useT, type T } from '../i18n';
import type { PlainKey } from '../i18n/catalogue';
import type { FinishResponse } from './api';
import { ExportPanel, SecretView, type ShownSecret } from './ExportPanel';
import { Fingerprint } from './Fingerprint';
import { SOURCE_WORDS } from './trustWords';

interface Props {
  readonly result: FinishResponse;
  readonly onRestart: () => void;
  readonly onDone: () => void;
}

export type Verdict = FinishResponse['verdict'];

const KIND_TEXT: Readonly<Record<FinishResponse['recovered']['kind'], PlainKey>> = {
  seed: 'result.kind.seed',
  ed25519: 'result.kind.ed25519',
  secp256k1: 'result.kind.secp256k1',
  p256: 'result.kind.p256',
};

const TITLE: Readonly<Record<Verdict, { mark: string; text: PlainKey }>> = {
  verified: { mark: '✓', text: 'result.verified' },
  unverified: { mark: '!', text: 'result.unverified' },
  mismatch: { mark: '✗', text: 'result.mismatch' },
};

/** What an unverified result proves and does not prove, for its source. */
function unverifiedText(result: FinishResponse, t: T): string {
  const toVerify = t('result.toVerify');
  if (result.expected === null) return t('result.nothingExpected', { toVerify });
  // main's statusWhy is English; German says it in general words (the transcript itself is named on the screen).
  if (result.source === 'transcript-unfinished') return t('result.unfinished', { why: (language() === 'en' ? result.expected.statusWhy : null) ?? t('result.unfinishedWhy') });
  return t(result.source === 'shards' ? 'result.agreeShards' : 'result.agreeTranscript', { toVerify });
}

/** "Treasury seed · id 3f2a… · sealed 2025-03-01 10:00 UTC": the ceremony the transcript records. */
function ceremonyLine(c: NonNullable<NonNullable<FinishResponse['expected']>['ceremony']>, t: T): string {
  return [c.label ?? t('result.noLabel'), t('result.id', { id: c.id }), c.sealedAt === null ? t('result.notSealed') : t('result.sealed', { when: c.sealedAt.slice(0, 16).replace('T', ' ') })].join(' · ');
}

/**
 * A pinned witness key proves that witness sealed *a* ceremony with this key, not that it is the one the team means
 * (pins are per person, reused across ceremonies and rehearsals): name it, and ask for the paper record.
 */
function witnessKeysText(result: FinishResponse, t: T): string {
  const e = result.expected!;
  const ids = [...new Set(e.signoffs.filter((s) => s.pinned).map((s) => s.witnessId))];
  const who = t(ids.length === 1 ? 'result.pinnedOne' : 'result.pinnedMany', { ids: ids.join(', ') });
  const c = e.ceremony;
  const which = c === null ? t('result.theCeremony') : t('result.ceremonyNamed', { label: c.label ?? t('result.withoutLabel') });
  return t('result.witnessKeys', { who, which });
}

export function ResultStep({ result, onRestart, onDone }: Props) {
  const verdict = result.verdict;
  const title = useRef<HTMLHeadingElement>(null);
  const [secret, setSecret] = useState<ShownSecret | null>(null);
  const t = useT();
  useEffect(() => title.current?.focus(), []);

  const expected = result.expected;
  const id = result.recovered;
  return (
    <>
      {secret ? <SecretView secret={secret} onHide={() => setSecret(null)} /> : null}
      <section
        className={`verdict ${verdict}`}
        data-testid="verdict"
        data-verdict={verdict}
        data-source={result.source}
        role={verdict === 'mismatch' ? 'alert' : 'status'}
      >
        <h1 tabIndex={-1} ref={title} data-testid="screen-title">
          <span className="verdict-mark" aria-hidden="true">
            {TITLE[verdict].mark}
          </span>{' '}
          {t(TITLE[verdict].text)}
        </h1>
        <dl className="kv verdict-facts">
          <dt>{t('result.recoveredKey')}</dt>
          <dd>
            <Fingerprint fingerprint={id.fingerprint} testId="recovered-fingerprint" size="large" />
          </dd>
          <dt>{t('result.expected')}</dt>
          <dd>
            {expected ? (
              <Fingerprint fingerprint={expected.fingerprint} testId="expected-fingerprint-shown" size="large" />
            ) : (
              <span data-testid="expected-fingerprint-shown">{t('result.nothingToCompare')}</span>
            )}
          </dd>
          {expected?.ceremony ? (
            <>
              <dt>{t('result.ceremony')}</dt>
              <dd data-testid="verdict-ceremony" data-ceremony-id={expected.ceremony.id}>
                {ceremonyLine(expected.ceremony, t)}
              </dd>
            </>
          ) : null}
          <dt>{t('result.checkedAgainst')}</dt>
          <dd data-testid="verdict-source" data-source={result.source}>
            {expected ? t(SOURCE_WORDS[result.source]) : t('result.againstNothing')}
          </dd>
        </dl>
        <p className="verdict-text" data-testid="verdict-text">
          {verdict === 'verified' && result.source === 'witness-keys'
            ? witnessKeysText(result, t)
            : verdict === 'verified'
            ? t('result.matches', { source: t(SOURCE_WORDS[result.source]) })
            : verdict === 'unverified'
              ? unverifiedText(result, t)
              : result.message}
        </p>
        <p className="muted">
          {t('result.shards', { count: result.shardsUsed })} · {id.wallet === 'bip39' ? t('result.bip39') : t(KIND_TEXT[id.kind])}
          {id.masterFingerprint ? t('result.master', { fingerprint: id.masterFingerprint }) : ''}
        </p>
        {verdict === 'mismatch' ? (
          <div className="actions">
            <button type="button" className="button" onClick={onRestart} data-testid="mismatch-restart">
              {t('result.startAgain')}
            </button>
          </div>
        ) : verdict === 'unverified' ? (
          <div className="actions">
            <button type="button" className="button secondary" onClick={onRestart} data-testid="unverified-restart">
              {t('result.startAgainPaper')}
            </button>
          </div>
        ) : null}
      </section>
      {verdict !== 'mismatch' && result.exportable ? (
        <ExportPanel fingerprintHex={id.fingerprint.hex} kind={id.kind} tokenImport={result.tokenImport} onDone={onDone} onShow={setSecret} secretShown={secret !== null} />
      ) : null}
    </>
  );
}
