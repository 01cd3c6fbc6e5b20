import { ErrorPanel } from '../components/ErrorPanel';
import { useT } from '../i18n';
import { originText, shardName, shardSubline, type Outcome } from './outcome';
import { problemInfo, shardTodo } from './problems';

interface Props {
  /** The answer to the last shard added; null before the first. */
  readonly outcome: Outcome | null;
  /** A shard is with main right now. */
  readonly checking: boolean;
  readonly canFinish: boolean;
}

/**
 * The answer to the last shard, at once and in one place: accepted (green), already in hand (amber), or not accepted
 * (the error panel: what happened, the code, what to do). Each ends with the next thing to do.
 */
export function OutcomePanel({ outcome, checking, canFinish }: Props) {
  const t = useT();
  if (checking) {
    return (
      <section className="outcome checking" role="status" data-testid="shard-outcome" data-outcome="checking">
        <p className="outcome-title">{t('outcome.checking')}</p>
      </section>
    );
  }
  if (outcome === null) return null;
  const next = canFinish ? t('outcome.nextFinish') : t('outcome.next');
  const key = `${outcome.attempt}-${outcome.outcome}`;
  switch (outcome.outcome) {
    case 'accepted':
      return (
        <section className="outcome accepted" role="status" key={key} data-testid="shard-outcome" data-outcome="accepted" data-attempt={outcome.attempt}>
          <p className="outcome-title">
            <span aria-hidden="true">✓ </span>{t('outcome.accepted', { n: outcome.attempt })}
          </p>
          <p>
            <strong>{shardName(outcome.shard)}</strong>
            <br />
            <span className="muted">{shardSubline(outcome.shard, outcome.origin)}</span>
          </p>
          <p className="outcome-next" data-testid="outcome-next">
            {next}
          </p>
        </section>
      );
    case 'duplicate':
      return (
        <section className="outcome duplicate" role="status" key={key} data-testid="shard-outcome" data-outcome="duplicate" data-attempt={outcome.attempt}>
          <p className="outcome-title">
            <span aria-hidden="true">= </span>{t('outcome.duplicate', { n: outcome.attempt })}
          </p>
          <p>
            <strong>{shardName(outcome.shard)}</strong>
          </p>
          <p data-testid="outcome-message">{outcome.message}</p>
          <p className="outcome-next" data-testid="outcome-next">
            {t('outcome.setAside', { next })}
          </p>
        </section>
      );
    case 'rejected':
      return (
        <div key={key} data-testid="shard-outcome" data-outcome="rejected" data-attempt={outcome.attempt}>
          <ErrorPanel title={t('outcome.rejected', { n: outcome.attempt, origin: originText(outcome.origin) })} error={problemInfo(outcome.error, shardTodo(outcome.error.code, outcome.origin, outcome.error.details))} testId="shard-error" />
        </div>
      );
  }
}
