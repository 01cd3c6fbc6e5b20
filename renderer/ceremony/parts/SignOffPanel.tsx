import { useEffect, useRef } from 'react';
import type { StageProps } from '../context';
import { useT } from '../../i18n';
import { checkpointMeaning, checkpointTitle, custodianName, names, witnessName } from '../names';
import { SpokenWords } from '../../components/SpokenWords';
import { signOffSatisfied } from '../stage';
import { useLoadedWitnesses } from '../witnessKeys';
import { WitnessKeyLoader } from './WitnessKeyLoader';
import { WitnessSignForm } from './WitnessSignForm';

interface Props extends Pick<StageProps, 'status' | 'plan' | 'setStatus' | 'acknowledge'> {
  /** "Continue to the entropy step". */
  readonly continueLabel: string;
  /** Signing is what this screen is for: Sign and Continue are its primary actions (kept in the first view). */
  readonly primary?: boolean;
  /** Why Continue must wait although the witnesses signed (a receipt still to record), or null. */
  readonly holdContinue?: string | null;
}

/**
 * The witnesses' signatures over the checkpoint main has open (status.signOff): who may sign, who did, and a
 * "Continue" once enough have. Each signature takes the witness's own act: they type back the fingerprint read aloud
 * (shown here, status.signOff.confirm) and their key file's passphrase or token PIN; main checks both, opens the key
 * for that one signature and checks the signature. Nothing is one click.
 */
export function SignOffPanel({ status, plan, setStatus, acknowledge, continueLabel, primary = false, holdContinue = null }: Props) {
  const t = useT();
  const so = status.signOff;
  const loaded = useLoadedWitnesses();
  const continueButton = useRef<HTMLButtonElement>(null);
  const satisfied = so !== null && signOffSatisfied(so);
  const held = holdContinue !== null;
  // Continue takes the focus once it can be pressed: when enough witnesses signed, or when what held it is done.
  useEffect(() => {
    if (satisfied && !held) continueButton.current?.focus();
  }, [satisfied, held]);
  if (so === null) return null;

  // WitnessSignForm's own words are not in the catalogue yet: it gets the English noun.
  const what = so.confirm.kind === 'key-fingerprint' ? 'fingerprint' : 'checkpoint code';
  const forWhom = so.custodianId === null ? null : custodianName(plan, so.custodianId);
  const rule =
    so.required >= so.eligible.length && so.eligible.length > 1
      ? t('signoff.every', { count: so.eligible.length })
      : t(so.eligible.length > 1 ? 'signoff.oneOthers' : 'signoff.one');
  const signed = so.signedBy.map((w) => witnessName(plan, w));
  return (
    <section className="panel signoff" data-testid="signoff" data-checkpoint={so.checkpoint} data-custodian={so.custodianId ?? ''} aria-labelledby="signoff-title">
      <h2 id="signoff-title">
        {t('signoff.title', { checkpoint: checkpointTitle(so.checkpoint) ?? so.checkpoint })}
        {forWhom ? t('signoff.of', { custodian: forWhom }) : ''}
      </h2>
      <p>
        {t('signoff.states')} <strong>{checkpointMeaning(so.checkpoint, forWhom, status.airgap)}</strong>
      </p>
      <p className="signoff-read-aloud">
        <span>{t(so.confirm.kind === 'key-fingerprint' ? 'signoff.fingerprint' : 'signoff.code')}</span>{' '}
        <strong className="mono signoff-code" data-testid="signoff-fingerprint">
          {so.confirm.display}
        </strong>{' '}
        <SpokenWords hex={so.confirm.display} testId="signoff-fingerprint-words" what={t(so.confirm.kind === 'key-fingerprint' ? 'signoff.fingerprintWhat' : 'signoff.codeWhat')} layout="inline" />
      </p>
      <p className="muted" data-testid="signoff-rule">
        {rule} {t('signoff.sofar', { signed: so.signedBy.length, required: so.required })}
      </p>
      <ul className="signoff-list">
        {so.eligible.map((w) => {
          const name = witnessName(plan, w);
          const done = so.signedBy.includes(w);
          return (
            <li key={w} data-testid={`signoff-${w}`} data-signed={done}>
              <span className="signoff-name">
                {done ? <span className="tick" aria-hidden="true">✓ </span> : null}
                {name}
                {done ? <span className="signoff-state"> {t('signoff.signed')}</span> : null}
              </span>
              {done ? null : loaded.has(w) ? (
                <WitnessSignForm witnessId={w} witnessName={name} loadedKey={loaded.get(w)!} what={what} onSigned={(r) => setStatus(r.status)} primary={primary} />
              ) : (
                <WitnessKeyLoader witnessId={w} witnessName={name} actionLabel={t('signoff.load', { name })} />
              )}
            </li>
          );
        })}
      </ul>
      {satisfied ? (
        <div className="ok-item signoff-done" role="status" data-testid="signoff-done">
          <p>
            {t('signoff.done', { count: signed.length, names: names(signed) })}
          </p>
          <button
            type="button"
            className="button"
            ref={continueButton}
            onClick={acknowledge}
            disabled={holdContinue !== null}
            data-testid="signoff-continue"
            data-primary={primary ? '' : undefined}
          >
            {continueLabel}
          </button>
          {holdContinue !== null ? (
            <p className="muted" data-testid="signoff-hold">
              {holdContinue}
            </p>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
