import type { CeremonyPlan } from '../../../core/policy';
import type { HandoffView, ShardView } from '../api';
import { schemeSentence } from '../names';
import { PrintSheet, printedAt } from './PrintSheet';
import { withLineChecks } from '../../../core/paper-lines';
import { QrGrid } from './QrCode';
import { SpokenWords } from '../../components/SpokenWords';
import { bagSerialDisplay } from '../../../core/bag-serial';
import { useT, type T } from '../../i18n';

interface Props {
  readonly view: HandoffView;
  readonly plan: CeremonyPlan;
  readonly ceremonyId: string;
}

export function shareText(share: ShardView['share'], t: T): string {
  return 'signer' in share ? t('paper.signer', { signer: share.signer }) : t('paper.member', { member: share.member + 1, group: share.group + 1 });
}

/**
 * SECRET, print only: one A4 page per shard of the custodian. The top half holds only public facts (whose shard, which
 * ceremony, the fingerprint); the paper is folded along the line so the QR code and the words are inside.
 */
export function PaperBackup({ view, plan, ceremonyId }: Props) {
  const when = printedAt();
  const t = useT();
  return (
    <PrintSheet testId="paper-backup">
      {view.shards.map((s, i) => (
        <section className="paper-page" key={i} data-testid="paper-page">
          <div className="paper-public">
            <p className="paper-kicker">{t('paper.kicker')}</p>
            <h1>
              {view.shards.length > 1
                ? t('paper.titleOf', { name: view.custodianName, n: i + 1, total: view.shards.length })
                : t('paper.title', { name: view.custodianName })}
            </h1>
            <dl className="paper-facts">
              <dt>{t('paper.custodian')}</dt>
              <dd data-testid="paper-custodian">{view.custodianName}</dd>
              <dt>{t('paper.ceremony')}</dt>
              <dd>{plan.label}</dd>
              <dt>{t('paper.ceremonyId')}</dt>
              <dd className="mono" data-testid="paper-ceremony-id">
                {ceremonyId}
              </dd>
              <dt>{t('paper.fingerprint')}</dt>
              <dd className="mono paper-fingerprint" data-testid="paper-fingerprint">
                {view.fingerprint.display}
              </dd>
              <dd>
                <SpokenWords hex={view.fingerprint.hex} testId="paper-fingerprint-words" what={t('paper.fingerprint')} />
              </dd>
              <dt>{t('paper.share')}</dt>
              <dd>
                {shareText(s.share, t)}. {schemeSentence(plan)}
              </dd>
              <dt>{t('paper.bag')}</dt>
              <dd className="mono" data-testid="paper-bag-serial">
                {view.bagSerial === undefined ? t('paper.noBag') : bagSerialDisplay(view.bagSerial)}
              </dd>
              <dt>{t('paper.printed')}</dt>
              <dd>{when}</dd>
            </dl>
            <div className="paper-note" data-testid="paper-instructions">
              <p>
                <strong>{t('paper.recoverLabel')}</strong> {t('paper.recover')}
              </p>
              <p>{t('paper.copy')}</p>
            </div>
            <div className="paper-receipt" data-testid="paper-receipt">
              <p>{t('paper.receipt', { name: view.custodianName, bag: view.bagSerial === undefined ? '____________' : bagSerialDisplay(view.bagSerial) })}</p>
              <p className="signature-line">{t('paper.signature')}</p>
            </div>
          </div>
          <div className="fold-line" data-testid="fold-line">
            <span>{t('paper.fold')}</span>
          </div>
          <div className="paper-secret">
            <QrGrid frames={s.qr.frames} label={t('paper.title', { name: view.custodianName })} />
            {s.words ? (
              <ol className="paper-words">
                {s.words.map((w, k) => (
                  <li key={k}>
                    <span className="word-n">{k + 1}</span> {w}
                  </li>
                ))}
              </ol>
            ) : (
              <ol className="paper-text">
                {/* Each line with its own check characters (core/paper-lines): a mistyped line is named when typed back. */}
                {withLineChecks(s.paperText).map(({ line, check }, k) => (
                  <li key={k}>
                    <span className="word-n">{k + 1}</span> {line}
                    <span className="line-check" data-testid="paper-line-check">
                      {' / '}
                      {check}
                    </span>
                  </li>
                ))}
              </ol>
            )}
          </div>
        </section>
      ))}
    </PrintSheet>
  );
}
