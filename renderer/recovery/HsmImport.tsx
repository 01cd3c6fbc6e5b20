/**
 * Import the recovered key into a PKCS#11 token: module, token, a label for the key, the token holder's PIN. Main
 * imports it sensitive and non-extractable and answers with where it went and the token's own report on it (its value
 * cannot be read back out) - never the secret. Only P-256 and secp256k1 keys can go into a token.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { ownValue } from '../../core/own';
import { ErrorPanel } from '../components/ErrorPanel';
import type { ErrorInfo } from '../components/errors';
import { t as tNow, useI18n, useT, type Key } from '../i18n';
import { recoveryApi, type FinishResponse, type HsmImported } from './api';
import { Fingerprint } from './Fingerprint';
import { problemInfo } from './problems';
import { TokenAndPin } from './TokenAndPin';

type Kind = FinishResponse['recovered']['kind'];

/** Why this kind of secret cannot go into a token, or null when it can. */
export function importRefusal(kind: Kind): string | null {
  if (kind === 'seed') return tNow('hsmImport.seed');
  if (kind === 'ed25519') return tNow('hsmImport.ed25519');
  return null;
}

const IMPORT_TODO: Readonly<Record<string, Key>> = {
  HSM_PIN_INCORRECT: 'hsmImport.todo.HSM_PIN_INCORRECT',
  HSM_PIN_LOCKED: 'hsmImport.todo.HSM_PIN_LOCKED',
  HSM_TOKEN_ABSENT: 'hsmImport.todo.HSM_TOKEN_ABSENT',
  HSM_MECHANISM: 'hsmImport.todo.HSM_MECHANISM',
  HSM_VERIFY: 'hsmImport.todo.HSM_VERIFY',
  INVALID_ARGUMENT: 'hsmImport.todo.INVALID_ARGUMENT',
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
  const t = useT();

  if (done !== null) return <Imported done={done} />;

  return (
    <div className="export-step" data-testid="hsm-import-form" tabIndex={-1} ref={ref}>
      <div className="field">
        <label htmlFor={labelId}>{t('hsmImport.label')}</label>
        <span className="hint">{t('hsmImport.labelHint')}</span>
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
        legend={t('hsmImport.legend')}
        whose={t('hsmImport.whose')}
        actionLabel={t('hsmImport.action')}
        busyLabel={t('hsmImport.busy')}
        busy={busy}
        testId="hsm-import"
        pinHint={t('hsmImport.pinHint')}
        onSubmit={async (token, pin) => {
          setProblem(null);
          if (label.trim() === '') {
            const error = { code: 'INVALID_ARGUMENT', message: t('hsmImport.noLabel') };
            setProblem({ ...error, todo: t('hsmImport.noLabelTodo') });
            return { outcome: 'rejected', error };
          }
          setBusy(true);
          const r = await recoveryApi.importToToken(token, pin, label.trim());
          setBusy(false);
          if (!r.ok) {
            const todo = ownValue(IMPORT_TODO, r.error.code);
            setProblem(problemInfo(r.error, todo === undefined ? undefined : (t as (k: Key) => string)(todo)));
            return { outcome: 'rejected', error: r.error };
          }
          if (r.value.kind === 'hsm-import') setDone(r.value);
          return { outcome: 'accepted' };
        }}
      />
      {problem ? <ErrorPanel title={t('hsmImport.failed')} error={problem} testId="hsm-import-error" focus /> : null}
    </div>
  );
}

/** The import's answer: where the key went and the token's report that it cannot be read back out. */
function Imported({ done }: { done: HsmImported }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const p = done.protection;
  const { t, rich } = useI18n();
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
          <strong>{t('hsmImport.done')}</strong>{' '}
          {rich('hsmImport.holds', {
            token: <strong>{done.token.label}</strong>,
            serial: done.token.serial,
            curve: CURVE_TEXT[done.curve],
            label: <strong>“{done.keyLabel}”</strong>,
            id: <span className="mono">{done.keyId}</span>,
            fingerprint: <Fingerprint fingerprint={done.fingerprint} testId="hsm-imported-fingerprint" compact />,
          })}
        </p>
        <ul className="proof-list" data-testid="hsm-imported-proof">
          <li>
            {p.sensitive ? '✓' : '✗'} {t('hsmImport.sensitive')}
          </li>
          <li>{p.extractable ? t('hsmImport.extractable') : t('hsmImport.notExtractable')}</li>
          <li>{p.valueReadable ? t('hsmImport.readable') : t('hsmImport.notReadable')}</li>
        </ul>
        <p className="mono small usb-file-name" data-testid="hsm-imported-public-key">
          {t('hsmImport.publicKey', { key: done.publicKey })}
        </p>
        <p>{t('hsmImport.next')}</p>
      </div>
  );
}
