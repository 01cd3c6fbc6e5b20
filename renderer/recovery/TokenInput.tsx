/**
 * Shards kept on custodians' PKCS#11 tokens: the custodian plugs in their token, it is chosen from the module's list,
 * the custodian types the PIN, and main reads the shard object of this recovery's ceremony from the token and checks
 * it like any other shard. A token that holds shards of several ceremonies while none is expected is answered with
 * the list; the person chooses one and the PIN is typed again. Nothing of the shard comes back to this window.
 */
import { useState } from 'react';
import { useT } from '../i18n';
import type { ShardRequest } from './api';
import type { ShardOrigin, SubmitResult } from './outcome';
import { TokenAndPin } from './TokenAndPin';

interface Props {
  readonly onSubmit: (request: ShardRequest, origin: ShardOrigin) => Promise<SubmitResult>;
  readonly busy: boolean;
  /** This recovery's ceremony, when known (transcript or a first shard). */
  readonly ceremonyId: string | null;
}

interface CeremonyOnToken {
  readonly ceremonyId: string;
  readonly custodianIndex: number;
  readonly custodianLabel: string;
}

function ceremoniesOf(details: Readonly<Record<string, unknown>> | undefined): CeremonyOnToken[] {
  const list = details?.['ceremonies'];
  if (!Array.isArray(list)) return [];
  return list.flatMap((c: unknown) => {
    const o = c as Record<string, unknown> | null;
    return typeof o?.['ceremonyId'] === 'string' && typeof o['custodianIndex'] === 'number'
      ? [{ ceremonyId: o['ceremonyId'], custodianIndex: o['custodianIndex'], custodianLabel: typeof o['custodianLabel'] === 'string' ? o['custodianLabel'] : '' }]
      : [];
  });
}

export function TokenInput({ onSubmit, busy, ceremonyId }: Props) {
  const [choices, setChoices] = useState<{ token: string; ceremonies: CeremonyOnToken[] } | null>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const t = useT();

  const read = async (token: { label?: string; serial?: string }, pin: string): Promise<SubmitResult> => {
    const name = token.label ?? token.serial ?? 'token';
    const asked = choices !== null && choices.token === token.serial && picked !== null ? picked : undefined;
    const result = await onSubmit({ token, pin, ...(asked === undefined ? {} : { ceremonyId: asked }) }, { kind: 'token', token: name });
    if (result.outcome === 'rejected' && result.error.code === 'HSM_SHARD_EXISTS' && result.error.details?.['reason'] === 'choose-ceremony') {
      setChoices({ token: token.serial ?? '', ceremonies: ceremoniesOf(result.error.details) });
      setPicked(null);
    } else if (result.outcome !== 'rejected') {
      setChoices(null);
      setPicked(null);
    }
    return result;
  };

  return (
    <div className="token-input" data-testid="token-input">
      <p className="muted">{t(ceremonyId === null ? 'tokenIn.lead' : 'tokenIn.leadCeremony')}</p>
      <TokenAndPin
        legend={t('tokenIn.legend')}
        whose={t('tokenIn.whose')}
        role="custodian"
        actionLabel={t('tokenIn.action')}
        busyLabel={t('tokenIn.busy')}
        busy={busy}
        testId="token"
        forgetAfterSuccess
        pinHint={t('tokenIn.pinHint')}
        onSubmit={read}
      >
        {choices !== null ? (
          <fieldset className="panel token-ceremonies" data-testid="token-ceremonies">
            <legend>{t('tokenIn.ceremonies', { count: choices.ceremonies.length })}</legend>
            {choices.ceremonies.map((c) => (
              <label key={c.ceremonyId} className="checkbox">
                <input
                  type="radio"
                  name="token-ceremony"
                  checked={picked === c.ceremonyId}
                  onChange={() => setPicked(c.ceremonyId)}
                  data-testid={`token-ceremony-${c.ceremonyId.slice(0, 8)}`}
                />
                <span>
                  {t('tokenIn.ceremony')} <span className="mono strong">{c.ceremonyId.slice(0, 8)}…</span>{' '}
                  <span className="muted">
                    {t('tokenIn.shardOf', { custodian: c.custodianLabel === '' ? t('tokenIn.aCustodian') : c.custodianLabel, n: c.custodianIndex + 1 })}
                  </span>
                </span>
              </label>
            ))}
            <p className="muted small">{t(picked === null ? 'tokenIn.chooseOne' : 'tokenIn.pinAgain')}</p>
          </fieldset>
        ) : null}
      </TokenAndPin>
    </div>
  );
}
