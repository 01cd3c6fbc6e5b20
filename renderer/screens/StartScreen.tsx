import { useEffect, useRef } from 'react';
import { navigate, type RouteName } from '../app/routes';
import { Shell } from '../components/Shell';
import { LANGUAGES, setLanguage, useI18n, type Language, type PlainKey } from '../i18n';
import { lifecycleWord } from '../lifecycle/words';
import { signingWord } from '../signing/words';
import { AboutBuild } from './AboutBuild';
import './LanguageChoice.css';
import './StartScreen.css';

const CHOICES: readonly { route: RouteName; title: PlainKey; text: PlainKey; testId: string }[] = [
  { route: 'plan', title: 'start.new.title', text: 'start.new.text', testId: 'start-new' },
  { route: 'resume', title: 'start.resume.title', text: 'start.resume.text', testId: 'start-resume' },
  { route: 'recover', title: 'start.recover.title', text: 'start.recover.text', testId: 'start-recover' },
  { route: 'verify', title: 'start.verify.title', text: 'start.verify.text', testId: 'start-verify' },
];

// After day one: the share-maintenance ceremony kinds (their words travel with their screens, renderer/lifecycle).
const LIFECYCLE_CHOICES = [
  { route: 'refresh', title: 'refresh.title', text: 'refresh.text', testId: 'start-refresh' },
  { route: 'repair', title: 'repair.title', text: 'repair.text', testId: 'start-repair' },
  { route: 'extend', title: 'extend.title', text: 'extend.text', testId: 'start-extend' },
] as const;

// Threshold signing and the custody check (their words travel with their screens, renderer/signing).
const SIGNING_CHOICES = [
  { route: 'sign', title: 'sign.title', text: 'sign.text', testId: 'start-sign' },
  { route: 'signer', title: 'signer.title', text: 'signer.text', testId: 'start-signer' },
  { route: 'custody', title: 'custody.title', text: 'custody.text', testId: 'start-custody' },
] as const;

// Each language is named in itself, so a person who reads only that one finds it.
const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { en: 'English', de: 'Deutsch' };

/** One question: what are you here to do? The first choice has focus, so Enter starts a new ceremony. */
export function StartScreen() {
  const { t, lang } = useI18n();
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <Shell purpose={t('start.purpose')} showHome={false}>
      <h1 tabIndex={-1} data-testid="screen-title">
        {t('start.title')}
      </h1>
      <p className="lead">{t('start.lead')}</p>
      <div className="choices start-choices" role="list">
        {CHOICES.map((c, i) => (
          <div role="listitem" key={c.route}>
            <button
              type="button"
              className="choice"
              ref={i === 0 ? first : undefined}
              data-testid={c.testId}
              onClick={() => navigate(c.route)}
            >
              <span className="choice-title">{t(c.title)}</span>
              <span className="choice-text">{t(c.text)}</span>
            </button>
          </div>
        ))}
        {LIFECYCLE_CHOICES.map((c) => (
          <div role="listitem" key={c.route}>
            <button type="button" className="choice" data-testid={c.testId} onClick={() => navigate(c.route)}>
              <span className="choice-title">{lifecycleWord(lang, c.title)}</span>
              <span className="choice-text">{lifecycleWord(lang, c.text)}</span>
            </button>
          </div>
        ))}
        {SIGNING_CHOICES.map((c) => (
          <div role="listitem" key={c.route}>
            <button type="button" className="choice" data-testid={c.testId} onClick={() => navigate(c.route)}>
              <span className="choice-title">{signingWord(lang, c.title)}</span>
              <span className="choice-text">{signingWord(lang, c.text)}</span>
            </button>
          </div>
        ))}
      </div>
      <fieldset className="language-choice" data-testid="language-choice">
        <legend>{t('start.language')}</legend>
        {LANGUAGES.map((l) => (
          <label key={l} lang={l}>
            <input type="radio" name="language" value={l} checked={lang === l} onChange={() => setLanguage(l)} data-testid={`language-${l}`} />
            {LANGUAGE_NAMES[l]}
          </label>
        ))}
        <span className="hint">{t('start.language.note')}</span>
      </fieldset>
      <AboutBuild />
    </Shell>
  );
}
