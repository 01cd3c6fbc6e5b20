import { useEffect, useRef } from 'react';
import { navigate, type RouteName } from '../app/routes';
import { Shell } from '../components/Shell';
import { AboutBuild } from './AboutBuild';

const CHOICES: readonly { route: RouteName; title: string; text: string; testId: string }[] = [
  { route: 'plan', title: 'New ceremony', text: 'Plan who holds the shares and who watches, then make and split the key.', testId: 'start-new' },
  { route: 'resume', title: 'Resume a ceremony', text: 'Continue an interrupted ceremony from its transcript file.', testId: 'start-resume' },
  { route: 'recover', title: 'Recover a key', text: "Scan the custodians' shards and recover the key.", testId: 'start-recover' },
  { route: 'verify', title: 'Verify a transcript', text: 'Check that a ceremony record is complete, unchanged and signed.', testId: 'start-verify' },
];

/** One question: what are you here to do? The first choice has focus, so Enter starts a new ceremony. */
export function StartScreen() {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <Shell purpose="Offline key ceremonies: split a key among custodians, recover it, verify the record" showHome={false}>
      <h1 tabIndex={-1} data-testid="screen-title">
        What do you want to do?
      </h1>
      <p className="lead">Choose one. Use Tab to move between the choices and Enter to open one.</p>
      <div className="choices" role="list">
        {CHOICES.map((c, i) => (
          <div role="listitem" key={c.route}>
            <button
              type="button"
              className="choice"
              ref={i === 0 ? first : undefined}
              data-testid={c.testId}
              onClick={() => navigate(c.route)}
            >
              <span className="choice-title">{c.title}</span>
              <span className="choice-text">{c.text}</span>
            </button>
          </div>
        ))}
      </div>
      <AboutBuild />
    </Shell>
  );
}
