import { useEffect, useId, useRef, useState } from 'react';
import { navigate } from '../../app/routes';

/**
 * "Start screen" in the header, pressed during a handoff, asks first (issue 14.5): a shard may be on the screen and a
 * custodian mid-way through giving it back. The question is a small modal dialog the keyboard answers: the focus
 * starts on "Stay" (Enter keeps the handoff), Escape stays too, Tab moves between the two answers only.
 */
export function LeaveGuard() {
  const [asking, setAsking] = useState(false);
  const stay = useRef<HTMLButtonElement>(null);
  const leave = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const titleId = useId();
  const textId = useId();

  useEffect(() => {
    // The header's link is the Shell's; the handoff catches its press before the hash changes.
    const onClick = (e: MouseEvent): void => {
      const link = e.target instanceof Element ? e.target.closest<HTMLElement>('[data-testid="nav-home"]') : null;
      if (link === null) return;
      e.preventDefault();
      e.stopPropagation();
      opener.current = link;
      setAsking(true);
    };
    document.addEventListener('click', onClick, true);
    return () => document.removeEventListener('click', onClick, true);
  }, []);
  useEffect(() => {
    if (asking) stay.current?.focus();
  }, [asking]);

  if (!asking) return null;
  const close = (): void => {
    setAsking(false);
    opener.current?.focus();
  };
  return (
    <div className="leave-backdrop">
      <div
        className="panel leave-confirm"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={textId}
        data-testid="leave-confirm"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            close();
          } else if (e.key === 'Tab') {
            // Two answers, and the focus stays between them while the question is open.
            e.preventDefault();
            (document.activeElement === stay.current ? leave : stay).current?.focus();
          }
        }}
      >
        <h2 id={titleId}>Leave this handoff?</h2>
        <p id={textId}>
          The shard is taken off this screen and this handoff is left unfinished: the custodian has not given the shard back yet.
        </p>
        <div className="actions">
          <button type="button" className="button secondary" ref={stay} onClick={close} data-testid="leave-stay">
            Stay on this handoff
          </button>
          <button type="button" className="button danger" ref={leave} onClick={() => navigate('start')} data-testid="leave-go">
            Leave for the start screen
          </button>
        </div>
      </div>
    </div>
  );
}
