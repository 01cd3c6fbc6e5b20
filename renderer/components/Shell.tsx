import { useEffect, useRef } from 'react';
import { hrefOf } from '../app/routes';
import { useT } from '../i18n';

interface Props {
  /** What this screen is for, in the header: "Plan the ceremony: who holds what, who watches". */
  readonly purpose: string;
  /** The step list (ceremony and recovery screens); absent on standalone screens. */
  readonly steps?: React.ReactNode;
  /** False on the start screen; elsewhere the header offers a way back to it. */
  readonly showHome?: boolean;
  readonly children: React.ReactNode;
}

/** Header (app name, purpose, way home), the step list on the left when there is one, and the screen. */
export function Shell({ purpose, steps, showHome = true, children }: Props) {
  const t = useT();
  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={skipToMain}>
        {t('shell.skip')}
      </a>
      <header className="app-header" data-testid="app-header">
        <span className="app-name">keyshard</span>
        <span className="app-purpose" data-testid="screen-purpose">
          {purpose}
        </span>
        {showHome ? (
          <a className="button quiet" href={hrefOf('start')} data-testid="nav-home">
            {t('shell.home')}
          </a>
        ) : null}
      </header>
      <div className={steps ? 'app-body' : 'app-body no-steps'}>
        {steps}
        <main className="app-main" id="main" data-testid="screen">
          {children}
        </main>
      </div>
    </div>
  );
}

/** Hash links would change the route; move focus instead. */
function skipToMain(e: React.MouseEvent<HTMLAnchorElement>): void {
  e.preventDefault();
  document.getElementById('main')?.querySelector<HTMLElement>('h1')?.focus();
}

interface TitleProps {
  readonly children: React.ReactNode;
  /** Take focus when the screen opens (default), so screen readers announce it and Tab starts from the top. */
  readonly focusOnMount?: boolean;
  readonly testId?: string;
}

export function ScreenTitle({ children, focusOnMount = true, testId = 'screen-title' }: TitleProps) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusOnMount) ref.current?.focus();
  }, [focusOnMount]);
  return (
    <h1 tabIndex={-1} ref={ref} data-testid={testId}>
      {children}
    </h1>
  );
}
