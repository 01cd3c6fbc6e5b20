/**
 * A fingerprint or final hash as its 20 words to read aloud (core/read-aloud: Bytewords of the first 128 bits, then
 * their CRC-32), in five groups of four, beside the hex that B, D and E make hard to say. Public, like the hex.
 */
import { Fragment } from 'react';
import { spokenWords, WORDS_PER_GROUP } from '../../core/read-aloud';
import { useT } from '../i18n';
import './SpokenWords.css';

interface Props {
  /** Hex of the fingerprint or hash (its first 32 digits are spoken). */
  readonly hex: string;
  readonly testId: string;
  /** What the words stand for, for screen readers ("Fingerprint", "Final hash"). */
  readonly what: string;
  /**
   * 'row': the groups on one line, wrapping as wholes (the default); 'column': one group a line, beside a large
   * fingerprint so the words add no height; 'inline': one short line inside a sentence or a panel.
   */
  readonly layout?: 'row' | 'column' | 'inline';
}

export function SpokenWords({ hex, testId, what, layout = 'row' }: Props) {
  const t = useT();
  let words: string[];
  try {
    words = spokenWords(hex);
  } catch {
    return null;
  }
  const groups: string[] = [];
  for (let i = 0; i < words.length; i += WORDS_PER_GROUP) groups.push(words.slice(i, i + WORDS_PER_GROUP).join(' '));
  const text = groups.join(' · ');
  if (layout === 'inline') {
    return (
      <span className="spoken-words inline" data-testid={testId} data-words={text}>
        <span className="spoken-label">{t('spoken.inline')}</span>{' '}
        <span className="spoken-inline-groups" aria-label={t('spoken.ariaWords', { what, words: words.join(' ') })}>
          {/* Groups wrap as wholes: a line never ends inside a group of four. */}
          {groups.map((g, i) => (
            <Fragment key={i}>
              <span className="spoken-inline-group">{g}</span>
              {i < groups.length - 1 ? ' · ' : ''}
            </Fragment>
          ))}
        </span>
      </span>
    );
  }
  return (
    <div className={`spoken-words ${layout}`} data-testid={testId} data-words={text}>
      <span className="spoken-label">{t('spoken.label')}</span>
      <ol className="spoken-groups" aria-label={t('spoken.aria', { what })}>
        {groups.map((g, i) => (
          <li key={i}>{g}</li>
        ))}
      </ol>
    </div>
  );
}
