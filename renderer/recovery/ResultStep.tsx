/**
 * Recovery, last step: is this the ceremony's key, and how does keyshard know? Three answers (main's verdict,
 * core/recovery-trust.ts): green "verified" when the fingerprint matches one from something the team holds apart from
 * the shards (typed from the paper record, a transcript whose final hash was typed, or one signed by a pinned witness
 * key); amber "unverified" when it matches only an unsigned transcript or the shards' own claim - what that proves,
 * what it does not, and what to do; red "mismatch". The secret is never shown by default; it leaves main only where
 * the person chooses (ExportPanel), and into a token only when verified. A mismatch has already been wiped in main.
 */
import { useEffect, useRef, useState } from 'react';
import type { FinishResponse } from './api';
import { ExportPanel, SecretView, type ShownSecret } from './ExportPanel';
import { Fingerprint } from './Fingerprint';
import { SOURCE_WORDS, TO_VERIFY } from './trustWords';

interface Props {
  readonly result: FinishResponse;
  readonly onRestart: () => void;
  readonly onDone: () => void;
}

export type Verdict = FinishResponse['verdict'];

const KIND_TEXT: Readonly<Record<FinishResponse['recovered']['kind'], string>> = {
  seed: 'a seed (BIP-32 master seed)',
  ed25519: 'an Ed25519 private key',
  secp256k1: 'a secp256k1 private key',
  p256: 'a P-256 private key',
};

const TITLE: Readonly<Record<Verdict, { mark: string; text: string }>> = {
  verified: { mark: '✓', text: "Verified: this is the ceremony's key" },
  unverified: { mark: '!', text: 'Unverified: recovered, not confirmed' },
  mismatch: { mark: '✗', text: "This is NOT the ceremony's key" },
};

/** What an unverified result proves and does not prove, for its source. */
function unverifiedText(result: FinishResponse): string {
  if (result.expected === null) {
    return `The shards combine into a key, but nothing said what it should be, so nothing confirms it is the ceremony's. ${TO_VERIFY}`;
  }
  if (result.source === 'transcript-unfinished') {
    return (
      `${result.expected.statusWhy ?? 'The ceremony was aborted or did not finish.'} The shards agree with that transcript, but shards of an aborted ` +
      "or unfinished ceremony are not the ceremony's key, whoever signed it. Use the sealed transcript from the ceremony's USB stick, or compare the " +
      'recovered fingerprint with the paper record of the ceremony that finished.'
    );
  }
  const with_ = result.source === 'shards' ? 'with the fingerprint they carry' : "with the transcript's fingerprint";
  return (
    `The shards agree with each other and ${with_}. That proves they belong together, not that they are the ceremony's: ` +
    `whoever made these shards could have made ${result.source === 'shards' ? 'that fingerprint' : 'that transcript'} too. ${TO_VERIFY}`
  );
}

/** "Treasury seed · id 3f2a… · sealed 2025-03-01 10:00 UTC": the ceremony the transcript records. */
function ceremonyLine(c: NonNullable<NonNullable<FinishResponse['expected']>['ceremony']>): string {
  return [c.label ?? 'No label', `id ${c.id}`, c.sealedAt === null ? 'not sealed' : `sealed ${c.sealedAt.slice(0, 16).replace('T', ' ')} UTC`].join(' · ');
}

/**
 * A pinned witness key proves that witness sealed *a* ceremony with this key, not that it is the one the team means
 * (pins are per person, reused across ceremonies and rehearsals): name it, and ask for the paper record.
 */
function witnessKeysText(result: FinishResponse): string {
  const e = result.expected!;
  const ids = [...new Set(e.signoffs.filter((s) => s.pinned).map((s) => s.witnessId))];
  const who = ids.length === 1 ? `pinned witness ${ids[0]}` : `pinned witnesses ${ids.join(', ')}`;
  const c = e.ceremony;
  const which = c === null ? 'the ceremony the transcript records' : `the ceremony "${c.label ?? 'without a label'}"`;
  return (
    `Signed off by ${who} in ${which}. Compare the ceremony id, label and date above with the paper record: ` +
    'a witness signs every ceremony they attend, rehearsals too. If they differ, these are shards of another ceremony.'
  );
}

export function ResultStep({ result, onRestart, onDone }: Props) {
  const verdict = result.verdict;
  const title = useRef<HTMLHeadingElement>(null);
  const [secret, setSecret] = useState<ShownSecret | null>(null);
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
          {TITLE[verdict].text}
        </h1>
        <dl className="kv verdict-facts">
          <dt>Recovered key</dt>
          <dd>
            <Fingerprint fingerprint={id.fingerprint} testId="recovered-fingerprint" size="large" />
          </dd>
          <dt>Expected</dt>
          <dd>
            {expected ? (
              <Fingerprint fingerprint={expected.fingerprint} testId="expected-fingerprint-shown" size="large" />
            ) : (
              <span data-testid="expected-fingerprint-shown">Nothing to compare with</span>
            )}
          </dd>
          {expected?.ceremony ? (
            <>
              <dt>Ceremony</dt>
              <dd data-testid="verdict-ceremony" data-ceremony-id={expected.ceremony.id}>
                {ceremonyLine(expected.ceremony)}
              </dd>
            </>
          ) : null}
          <dt>Checked against</dt>
          <dd data-testid="verdict-source" data-source={result.source}>
            {expected ? SOURCE_WORDS[result.source] : 'nothing: no transcript, fingerprint or shard said what the key should be'}
          </dd>
        </dl>
        <p className="verdict-text" data-testid="verdict-text">
          {verdict === 'verified' && result.source === 'witness-keys'
            ? witnessKeysText(result)
            : verdict === 'verified'
            ? `The recovered key's fingerprint matches ${SOURCE_WORDS[result.source]}.`
            : verdict === 'unverified'
              ? unverifiedText(result)
              : result.message}
        </p>
        <p className="muted">
          {shardCount(result.shardsUsed)} used · {id.wallet === 'bip39' ? "a BIP-39 wallet's entropy (its fingerprint is the wallet's)" : KIND_TEXT[id.kind]}
          {id.masterFingerprint ? ` · master fingerprint ${id.masterFingerprint}` : ''}
        </p>
        {verdict === 'mismatch' ? (
          <div className="actions">
            <button type="button" className="button" onClick={onRestart} data-testid="mismatch-restart">
              Start again
            </button>
          </div>
        ) : verdict === 'unverified' ? (
          <div className="actions">
            <button type="button" className="button secondary" onClick={onRestart} data-testid="unverified-restart">
              Start again with the paper record
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

function shardCount(n: number): string {
  return `${n} shard${n === 1 ? '' : 's'}`;
}
