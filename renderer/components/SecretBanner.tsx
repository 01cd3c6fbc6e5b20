import { useT } from '../i18n';

interface Props {
  /** The one person who may look: the custodian receiving (or confirming) their shard. */
  readonly custodian: string;
}

/**
 * Shown at the top of every screen that puts shard material on screen. It names the one person who should look and
 * asks everyone else to look away; witnesses watch the handoff, not the code.
 */
export function SecretBanner({ custodian }: Props) {
  const t = useT();
  return (
    <div className="secret-banner" role="status" aria-live="polite" data-testid="secret-banner">
      <span className="secret-icon" aria-hidden="true">
        ◉
      </span>
      <span>
        {t('secretBanner.only', { custodian })}
        <span className="secret-sub">{t('secretBanner.away')}</span>
      </span>
    </div>
  );
}
