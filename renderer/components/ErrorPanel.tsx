import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n';
import { describeField } from '../plan/fieldWords';
import { fieldWords, type ErrorInfo } from './errors';

interface Props {
  /** What failed, as a heading: "The plan file could not be loaded". */
  readonly title: string;
  readonly error: ErrorInfo;
  readonly testId?: string;
  /** Moves focus to the panel when it appears, so a keyboard user lands on the explanation. */
  readonly focus?: boolean;
  readonly children?: React.ReactNode;
}

/**
 * The one way an error is shown: a heading, what went wrong and (bold) what to do next, in plain words; the stable code
 * (and a system error name or plan-file field paths, when there are some) only in a small line at the end, for support.
 */
export function ErrorPanel({ title, error, testId = 'error-panel', focus = false, children }: Props) {
  const { t, lang } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, [focus, error]);
  return (
    <div className="error-panel" role="alert" data-testid={testId} data-code={error.code} tabIndex={-1} ref={ref}>
      <h2>{title}</h2>
      <p data-testid={`${testId}-message`}>{error.message}</p>
      {error.problems && error.problems.length > 1 ? (
        <ul data-testid={`${testId}-problems`}>
          {error.problems.map((p, i) => (
            <li key={i}>
              {lang === 'en' ? fieldWords(p.field) : describeField(p.field, lang)}: {p.message}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="error-todo" data-testid={`${testId}-todo`}>
        {t('error.whatToDo', { todo: error.todo })}
      </p>
      {children}
      <p className="error-details">
        {t('error.support')} <span className="error-code" data-testid={`${testId}-code`}>{error.code}</span>
        {error.support ? ` · ${error.support}` : ''}
        {error.problems && error.problems.length > 0 ? ` · ${error.problems.map((p) => p.field).join(', ')}` : ''}
      </p>
    </div>
  );
}
