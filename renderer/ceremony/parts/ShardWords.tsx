import { useT } from '../../i18n';
import { NO_COPY } from './noCopy';

interface Props {
  readonly words: readonly string[];
  readonly testId?: string;
}

/** SECRET: a SLIP-39 share's words, numbered, large, in reading order down the columns. Not selectable, not copyable. */
export function ShardWords({ words, testId = 'shard-words' }: Props) {
  const t = useT();
  return (
    <ol className="shard-words shard-secret" data-testid={testId} data-must-see aria-label={t('words.shard', { count: words.length })} {...NO_COPY}>
      {words.map((w, i) => (
        <li key={i} data-testid={`shard-word-${i + 1}`}>
          <span className="word-n">{i + 1}</span>
          <span className="word-w">{w}</span>
        </li>
      ))}
    </ol>
  );
}

/** SECRET: a shard's text as printed (groups of four characters), for shards without words (verifiable shares). */
export function ShardText({ text, testId = 'shard-text' }: { readonly text: string; readonly testId?: string }) {
  const lines = text.split('\n');
  return (
    <div className="shard-text shard-secret mono" data-testid={testId} data-must-see {...NO_COPY}>
      {lines.map((l, i) => (
        <div key={i} className="shard-text-line">
          <span className="word-n">{i + 1}</span> {l}
        </div>
      ))}
    </div>
  );
}
