/**
 * Import the recovered key into a PKCS#11 token: module, token, a label for the key, the token holder's PIN. Main
 * imports it sensitive and non-extractable and answers with where it went and the token's own report on it (its value
 * cannot be read back out) - never the secret. Only P-256 and secp256k1 keys can go into a token.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { ownValue } from '../../core/own';
import { ErrorPanel } from '../components/ErrorPanel';
import type { ErrorInfo } from '../components/errors';
import { recoveryApi, type FinishResponse, type HsmImported } from './api';
import { Fingerprint } from './Fingerprint';
import { problemInfo } from './problems';
import { TokenAndPin } from './TokenAndPin';

type Kind = FinishResponse['recovered']['kind'];

/** Why this kind of secret cannot go into a token, or null when it can. */
export function importRefusal(kind: Kind): string | null {
  if (kind === 'seed') return 'A seed is not a key: derive the key you need with the wallet that uses the seed.';
  if (kind === 'ed25519') return 'Ed25519 keys cannot be imported: most tokens cannot hold them. Save an encrypted file instead.';
  return null;
}

const IMPORT_TODO: Readonly<Record<string, string>> = {
  HSM_PIN_INCORRECT: 'The token holder types the PIN again, carefully: a token locks after a few wrong tries. Nothing was written.',
  HSM_PIN_LOCKED: "This token is locked: use another token, or have its security officer unblock it with the token's own tool.",
  HSM_TOKEN_ABSENT: 'Plug the token in, press “Look again”, choose it and import again. Nothing was written.',
  HSM_MECHANISM: 'This token cannot hold the key as keyshard requires (sensitive, non-extractable, for signing). Use another token.',
  HSM_VERIFY: 'Do not use this token for the key. Use another token.',
  INVALID_ARGUMENT: 'Choose another key label (the token already has an object with this one), then import again.',
};

const CURVE_TEXT = { p256: 'P-256', secp256k1: 'secp256k1' } as const;

export function HsmImport({ fingerprintHex }: { fingerprintHex: string }) {
  const [label, setLabel] = useState(`keyshard-recovered-${fingerprintHex.slice(0, 8)}`);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ErrorInfo | null>(null);
  const [done, setDone] = useState<HsmImported | null>(null);
  const labelId = useId();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);

  if (done !== null) return <Imported done={done} />;

  return (
    <div className="export-step" data-testid="hsm-import-form" tabIndex={-1} ref={ref}>
      <div className="field">
        <label htmlFor={labelId}>Label of the key on the token</label>
        <span className="hint">How the key will be found on the token (1 to 64 characters; not used by any object on it yet).</span>
        <input
          id={labelId}
          type="text"
          className="mono"
          autoComplete="off"
          spellCheck={false}
          maxLength={64}
          value={label}
          onChange={(e) => {
            setLabel(e.currentTarget.value);
            setProblem(null);
          }}
          data-testid="hsm-import-label"
        />
      </div>
      <TokenAndPin
        legend="Which token receives the key?"
        whose="The token holder"
        actionLabel="Import the key into this token"
        busyLabel="Importing…"
        busy={busy}
        testId="hsm-import"
        pinHint="Only the token's holder types it. keyshard gives it to the token for this import and does not keep it."
        onSubmit={async (token, pin) => {
          setProblem(null);
          if (label.trim() === '') {
            const error = { code: 'INVALID_ARGUMENT', message: 'The key needs a label.' };
            setProblem({ ...error, todo: 'Type a label for the key (for example the name of what it signs), then import again.' });
            return { outcome: 'rejected', error };
          }
          setBusy(true);
          const r = await recoveryApi.importToToken(token, pin, label.trim());
          setBusy(false);
          if (!r.ok) {
            setProblem(problemInfo(r.error, ownValue(IMPORT_TODO, r.error.code)));
            return { outcome: 'rejected', error: r.error };
          }
          if (r.value.kind === 'hsm-import') setDone(r.value);
          return { outcome: 'accepted' };
        }}
      />
      {problem ? <ErrorPanel title="The key was not imported" error={problem} testId="hsm-import-error" focus /> : null}
    </div>
  );
}

/** The import's answer: where the key went and the token's report that it cannot be read back out. */
function Imported({ done }: { done: HsmImported }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const p = done.protection;
  return (
      <div
        className="export-step ok-item"
        data-testid="hsm-imported"
        data-token={done.token.label}
        data-key-label={done.keyLabel}
        data-sensitive={p.sensitive}
        data-extractable={p.extractable}
        data-value-readable={p.valueReadable}
        tabIndex={-1}
        ref={ref}
      >
        <p>
          <strong>Imported.</strong> Token <strong>{done.token.label}</strong> (serial {done.token.serial}) now holds the {CURVE_TEXT[done.curve]} key{' '}
          <strong>“{done.keyLabel}”</strong> (key id <span className="mono">{done.keyId}</span>), for signing. It is the key with the fingerprint{' '}
          <Fingerprint fingerprint={done.fingerprint} testId="hsm-imported-fingerprint" compact />.
        </p>
        <ul className="proof-list" data-testid="hsm-imported-proof">
          <li>{p.sensitive ? '✓' : '✗'} The token keeps it sensitive (CKA_SENSITIVE).</li>
          <li>{p.extractable ? '✗ The token would let it out' : '✓ The token will not let it out (CKA_EXTRACTABLE is false)'}.</li>
          <li>{p.valueReadable ? '✗ Its value could be read back' : '✓ Asked for the key’s value, the token refused'}.</li>
        </ul>
        <p className="mono small usb-file-name" data-testid="hsm-imported-public-key">
          Public key: {done.publicKey}
        </p>
        <p>Next: check that the token signs with it as you need, then press “Done” to wipe keyshard&apos;s copy.</p>
      </div>
  );
}
