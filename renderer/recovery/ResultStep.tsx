/**
 * Recovery, last step: does the recovered key have the ceremony's fingerprint? A big green or red answer with both
 * fingerprints in their display form. The secret is never shown by default; it leaves main only where the person
 * chooses (ExportPanel). A mismatch has already been wiped in main: the only way on is to start again.
 */
import { useEffect, useRef, useState } from 'react';
import { recoveryApi, type FinishResponse } from './api';
import type { Expectation } from './ExpectStep';
import { ExportPanel, SecretView, type ShownSecret } from './ExportPanel';
import { Fingerprint } from './Fingerprint';

interface Props {
  readonly result: FinishResponse;
  readonly expectation: Expectation;
  readonly onRestart: () => void;
  readonly onDone: () => void;
}

export type Verdict = 'match' | 'mismatch' | 'unchecked';

/** Main's verdict, and the short form someone typed (main cannot check a short form; it is compared here). */
export function verdictOf(result: FinishResponse, expectation: Expectation): Verdict {
  if (result.verdict === 'mismatch') return 'mismatch';
  if (expectation.typedDisplay !== undefined) return result.recovered.fingerprint.display === expectation.typedDisplay ? 'match' : 'mismatch';
  return result.verdict;
}

const KIND_TEXT: Readonly<Record<FinishResponse['recovered']['kind'], string>> = {
  seed: 'a seed (BIP-32 master seed)',
  ed25519: 'an Ed25519 private key',
  secp256k1: 'a secp256k1 private key',
  p256: 'a P-256 private key',
};

export function ResultStep({ result, expectation, onRestart, onDone }: Props) {
  const verdict = verdictOf(result, expectation);
  const title = useRef<HTMLHeadingElement>(null);
  const [secret, setSecret] = useState<ShownSecret | null>(null);
  useEffect(() => title.current?.focus(), []);
  const localMismatch = verdict === 'mismatch' && result.verdict !== 'mismatch';
  useEffect(() => {
    // A key that is not the expected one must not stay in main, even though main (which only saw the shards'
    // fingerprint) would keep it.
    if (localMismatch) void recoveryApi.clear();
  }, [localMismatch]);

  const expected = result.expected;
  const sourceText =
    expected?.source === 'transcript'
      ? "in the ceremony's transcript"
      : expected?.source === 'given'
        ? 'you typed'
        : expectation.typedDisplay !== undefined
          ? 'you typed'
          : 'printed inside the shards';
  const id = result.recovered;
  return (
    <>
      {secret ? <SecretView secret={secret} onHide={() => setSecret(null)} /> : null}
      <section className={`verdict ${verdict}`} data-testid="verdict" data-verdict={verdict} role={verdict === 'mismatch' ? 'alert' : 'status'}>
        <h1 tabIndex={-1} ref={title} data-testid="screen-title">
          <span className="verdict-mark" aria-hidden="true">
            {verdict === 'match' ? '✓' : verdict === 'mismatch' ? '✗' : '?'}
          </span>{' '}
          {verdict === 'match' ? "This is the ceremony's key" : verdict === 'mismatch' ? "This is NOT the ceremony's key" : 'Key recovered: check its fingerprint'}
        </h1>
        <dl className="kv verdict-facts">
          <dt>Recovered key</dt>
          <dd>
            <Fingerprint fingerprint={id.fingerprint} testId="recovered-fingerprint" size="large" />
          </dd>
          <dt>Expected</dt>
          <dd>
            {expected && expectation.typedDisplay === undefined ? (
              <Fingerprint fingerprint={expected.fingerprint} testId="expected-fingerprint-shown" size="large" />
            ) : expectation.typedDisplay !== undefined ? (
              <span className="rfp large" data-testid="expected-fingerprint-shown">
                <span className="rfp-display mono">{expectation.typedDisplay}</span>
              </span>
            ) : (
              <span data-testid="expected-fingerprint-shown">Nothing to compare with</span>
            )}
          </dd>
        </dl>
        <p className="verdict-text" data-testid="verdict-text">
          {verdict === 'match'
            ? `The recovered key's fingerprint matches the one ${sourceText}.${expected?.source === 'shards' ? ' Compare it with the paper record as well: the shards vouch only for themselves.' : ''}`
            : verdict === 'mismatch'
              ? localMismatch
                ? 'The recovered key does not have the fingerprint you typed. It was wiped. Check the fingerprint you typed and that every shard is from this ceremony, then start again.'
                : result.message
              : result.message}
        </p>
        <p className="muted">
          {shardCount(result.shardsUsed)} used · {KIND_TEXT[id.kind]}
          {id.masterFingerprint ? ` · master fingerprint ${id.masterFingerprint}` : ''}
        </p>
        {verdict === 'mismatch' ? (
          <div className="actions">
            <button type="button" className="button" onClick={onRestart} data-testid="mismatch-restart">
              Start again
            </button>
          </div>
        ) : null}
      </section>
      {verdict !== 'mismatch' && result.exportable ? (
        <ExportPanel fingerprintHex={id.fingerprint.hex} kind={id.kind} onDone={onDone} onShow={setSecret} />
      ) : null}
    </>
  );
}

function shardCount(n: number): string {
  return `${n} shard${n === 1 ? '' : 's'}`;
}
