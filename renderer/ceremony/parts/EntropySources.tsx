import { useId } from 'react';
import { useT } from '../../i18n';
import { PinField, pinReady, TokenPicker, tokenName } from '../../devices';

/** log2(6): the bits one roll of a fair die gives. */
const BITS_PER_ROLL = Math.log2(6);

export interface DiceCount {
  readonly rolls: number;
  readonly bits: number;
  /** 1-based position and the character of the first thing that is not a die face, if any. */
  readonly bad: { readonly position: number; readonly char: string } | null;
}

/** Counts typed dice rolls as main will read them: digits 1-6, with spaces and line breaks between them. */
export function countDice(text: string): DiceCount {
  let rolls = 0;
  let bad: DiceCount['bad'] = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c >= '1' && c <= '6') rolls++;
    else if (!/\s/.test(c) && bad === null) bad = { position: i + 1, char: c };
  }
  return { rolls, bits: Math.floor(rolls * BITS_PER_ROLL + 1e-9), bad };
}

export interface SourcesValue {
  readonly dice: string;
  readonly useHsm: boolean;
  /** The token whose generator is used (chosen at the start, or here). */
  readonly token: { readonly label: string; readonly serial: string } | null;
  /** Its holder's PIN, for the one request (cleared after it). */
  readonly pin: string;
}

/** No HSM yet; with the token chosen at the start, the HSM source is on and only its PIN is missing. */
export function initialSources(entropyToken?: { readonly label: string; readonly serial: string }): SourcesValue {
  return { dice: '', useHsm: entropyToken !== undefined, token: entropyToken ?? null, pin: '' };
}

/** Whether the sources can be sent: dice only die faces; with the HSM, a token and a PIN. */
export function sourcesReady(v: SourcesValue): boolean {
  return countDice(v.dice).bad === null && (!v.useHsm || (v.token !== null && pinReady(v.pin)));
}

interface Props {
  readonly value: SourcesValue;
  readonly onChange: (v: SourcesValue) => void;
  /** Bits the secret needs, for the dice advice. */
  readonly secretBits: number;
  /** The token checked at the start for entropy, when this window knows it. */
  readonly entropyToken?: { readonly label: string; readonly serial: string };
  readonly disabled?: boolean;
}

/**
 * The entropy sources: the OS generator (always), an HSM's generator (if a token is connected), and dice rolls typed
 * by a witness, counted live. Each source is mixed in; none can weaken the others.
 */
export function EntropySources({ value, onChange, secretBits, entropyToken, disabled = false }: Props) {
  const diceId = useId();
  const hsmId = useId();
  const dice = countDice(value.dice);
  const enough = Math.ceil(secretBits / BITS_PER_ROLL);
  const t = useT();
  return (
    <ul className="source-list" data-testid="entropy-sources">
      <li className="source on" data-testid="source-os">
        <span className="tick" aria-hidden="true">
          ✓
        </span>
        <div>
          <strong>{t('sources.os')}</strong>
          <p className="muted">{t('sources.osText')}</p>
        </div>
      </li>
      <li className={`source${value.useHsm ? ' on' : ''}`} data-testid="source-hsm">
        <input
          id={hsmId}
          type="checkbox"
          checked={value.useHsm}
          onChange={(e) => onChange({ ...value, useHsm: e.currentTarget.checked, pin: '', ...(entropyToken !== undefined ? { token: entropyToken } : {}) })}
          data-testid="entropy-hsm"
        />
        <div className="grow">
          <label htmlFor={hsmId}>
            <strong>{t('sources.hsm')}</strong> {t('sources.optional')}
            {entropyToken !== undefined ? t('sources.hsmToken', { token: tokenName(entropyToken) }) : null}
          </label>
          <p className="muted">
            {entropyToken !== undefined
              ? t('sources.hsmTextToken')
              : t('sources.hsmText')}
          </p>
          {value.useHsm && entropyToken === undefined ? (
            <TokenPicker
              role="entropy"
              value={value.token?.serial ?? null}
              onChange={(tok) => onChange({ ...value, token: tok === null ? null : { label: tok.label, serial: tok.serial } })}
              legend={t('sources.hsmWhich')}
              testId="entropy-token-pick"
            />
          ) : null}
          {value.useHsm && value.token !== null ? (
            <PinField
              whose={t('sources.pinWhose')}
              token={tokenName(value.token)}
              value={value.pin}
              onChange={(pin) => onChange({ ...value, pin })}
              testId="entropy-pin"
              disabled={disabled}
              hint={t('sources.pinHint')}
            />
          ) : null}
        </div>
      </li>
      <li className={`source${dice.rolls > 0 ? ' on' : ''}`} data-testid="source-dice">
        <span className="tick" aria-hidden="true">
          {dice.rolls > 0 ? '✓' : '○'}
        </span>
        <div className="grow">
          <label htmlFor={diceId}>
            <strong>{t('sources.dice')}</strong> {t('sources.diceHow')}
          </label>
          <p className="muted">
            {t('sources.diceText', { enough, bits: secretBits })}
          </p>
          <textarea
            id={diceId}
            className="mono dice-input"
            rows={2}
            autoComplete="off"
            spellCheck={false}
            value={value.dice}
            aria-invalid={dice.bad !== null || undefined}
            onChange={(e) => onChange({ ...value, dice: e.currentTarget.value })}
            data-testid="entropy-dice"
          />
          <p className="dice-count" role="status" data-testid="dice-count" data-rolls={dice.rolls} data-bits={dice.bits}>
            <strong>{t('sources.diceCount', { count: dice.rolls, bits: dice.bits })}</strong>
            {dice.bad ? (
              <span className="problem-inline" data-testid="dice-bad">
                {t('sources.diceBad', { position: dice.bad.position })}
              </span>
            ) : null}
          </p>
        </div>
      </li>
    </ul>
  );
}

export function sourcesRequest(v: SourcesValue): { diceRolls?: string; useHsm?: boolean; hsmToken?: { serial: string; pin: string } } {
  return {
    ...(v.dice.trim() === '' ? {} : { diceRolls: v.dice }),
    ...(v.useHsm ? { useHsm: true, ...(v.token === null ? {} : { hsmToken: { serial: v.token.serial, pin: v.pin } }) } : {}),
  };
}
