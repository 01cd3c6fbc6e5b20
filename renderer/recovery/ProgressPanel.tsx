import { useI18n } from '../i18n';
import type { RecoveryProgress } from './api';
import { shardSubline, shardTitle, type HeldShard } from './outcome';
import { progressWords } from './progressWords';

interface Props {
  readonly progress: RecoveryProgress | null;
}

/**
 * Progress per group as main reports it after every shard: one line per group ("Group 2: 1 more needed (1 of 2 in
 * hand).") with a bar of its own, and one sentence overall. SLIP-39 groups are known once a share of the backup is in.
 */
export function ProgressPanel({ progress }: Props) {
  const groups = progress?.groups ?? [];
  const { t, lang } = useI18n();
  const words = progress === null ? null : progressWords(progress, lang);
  return (
    <section className="panel progress-panel" aria-labelledby="progress-title" data-testid="progress-panel" data-can-finish={progress?.canFinish ? 'true' : 'false'}>
      <h2 id="progress-title">{t('progress.title')}</h2>
      <p className={progress?.canFinish ? 'progress-summary ready' : 'progress-summary'} data-testid="progress-summary" aria-live="polite">
        {words?.summary ?? t('progress.none')}
      </p>
      {groups.length > 0 ? (
        <ul className="group-list">
          {groups.map((g, i) => {
            const fraction = g.threshold ? Math.min(1, g.have / g.threshold) : 0;
            return (
              <li
                key={g.group}
                className={g.complete ? 'group complete' : g.have > 0 ? 'group started' : 'group'}
                data-testid={`group-${g.group}`}
                data-have={g.have}
                data-needed={g.needed ?? ''}
                data-complete={g.complete ? 'true' : 'false'}
              >
                <span className="group-line" data-testid={`group-${g.group}-text`}>
                  <span aria-hidden="true" className="group-mark">
                    {g.complete ? '✓' : g.have > 0 ? '◐' : '○'}
                  </span>{' '}
                  {words?.sentences[i] ?? t('progress.group', { group: g.group })}
                </span>
                <span className="group-bar" aria-hidden="true">
                  <span className="group-bar-fill" style={{ width: `${Math.round(fraction * 100)}%` }} />
                </span>
              </li>
            );
          })}
        </ul>
      ) : null}
    </section>
  );
}

/** The shards main holds for this recovery (public facts only). */
export function HeldList({ held, scheme }: { held: readonly HeldShard[]; scheme: RecoveryProgress['scheme'] | undefined }) {
  const { t } = useI18n();
  return (
    <section className="panel" aria-labelledby="held-title" data-testid="received-panel">
      <h2 id="held-title">{t('held.title', { count: held.length })}</h2>
      {held.length === 0 ? (
        <p className="muted">{t('held.none')}</p>
      ) : (
        <ul className="received-list">
          {held.map((h) => (
            <li
              key={h.facts.number}
              data-testid="received-shard"
              data-source={h.origin.kind}
              data-scheme={scheme ?? ''}
              data-group={h.facts.group ?? ''}
              data-member={h.facts.member ?? ''}
              data-frames={h.origin.kind === 'camera' ? h.origin.scan.frames : undefined}
              data-parts={h.origin.kind === 'camera' ? h.origin.scan.parts : undefined}
              data-parts-read={h.origin.kind === 'camera' ? h.origin.scan.partsRead : undefined}
            >
              <span className="tick" aria-hidden="true">
                ✓
              </span>
              <span>
                <strong>{shardTitle(h.facts)}</strong>
                <br />
                <span className="muted">{shardSubline(h.facts, h.origin)}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
      <p className="muted small">{t('held.note')}</p>
    </section>
  );
}
