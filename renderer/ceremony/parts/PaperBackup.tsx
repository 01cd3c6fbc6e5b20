import type { CeremonyPlan } from '../../../core/policy';
import type { HandoffView, ShardView } from '../api';
import { schemeSentence } from '../names';
import { PrintSheet, printedAt } from './PrintSheet';
import { withLineChecks } from '../../../core/paper-lines';
import { QrGrid } from './QrCode';
import { SpokenWords } from '../../components/SpokenWords';
import { bagSerialDisplay } from '../../../core/bag-serial';

interface Props {
  readonly view: HandoffView;
  readonly plan: CeremonyPlan;
  readonly ceremonyId: string;
}

export function shareText(share: ShardView['share']): string {
  return 'signer' in share ? `signer ${share.signer}` : `member ${share.member + 1} of group ${share.group + 1}`;
}

/**
 * SECRET, print only: one A4 page per shard of the custodian. The top half holds only public facts (whose shard, which
 * ceremony, the fingerprint); the paper is folded along the line so the QR code and the words are inside.
 */
export function PaperBackup({ view, plan, ceremonyId }: Props) {
  const when = printedAt();
  return (
    <PrintSheet testId="paper-backup">
      {view.shards.map((s, i) => (
        <section className="paper-page" key={i} data-testid="paper-page">
          <div className="paper-public">
            <p className="paper-kicker">keyshard · paper backup of one shard · keep it folded</p>
            <h1>
              Shard of {view.custodianName}
              {view.shards.length > 1 ? ` (${i + 1} of ${view.shards.length})` : ''}
            </h1>
            <dl className="paper-facts">
              <dt>Custodian</dt>
              <dd data-testid="paper-custodian">{view.custodianName}</dd>
              <dt>Ceremony</dt>
              <dd>{plan.label}</dd>
              <dt>Ceremony id</dt>
              <dd className="mono" data-testid="paper-ceremony-id">
                {ceremonyId}
              </dd>
              <dt>Fingerprint</dt>
              <dd className="mono paper-fingerprint" data-testid="paper-fingerprint">
                {view.fingerprint.display}
              </dd>
              <dd>
                <SpokenWords hex={view.fingerprint.hex} testId="paper-fingerprint-words" what="Fingerprint" />
              </dd>
              <dt>Share</dt>
              <dd>
                {shareText(s.share)}. {schemeSentence(plan)}
              </dd>
              <dt>Bag serial</dt>
              <dd className="mono" data-testid="paper-bag-serial">
                {view.bagSerial === undefined ? 'none recorded (write it here: ____________)' : bagSerialDisplay(view.bagSerial)}
              </dd>
              <dt>Printed</dt>
              <dd>{when}</dd>
            </dl>
            <div className="paper-note" data-testid="paper-instructions">
              <p>
                <strong>To recover:</strong> bring this paper, still sealed in its bag, to the recovery ceremony. There the team reads the bag
                serial aloud and types it into keyshard before the bag is opened; a serial that differs from the one recorded means the
                bag was swapped, and this shard is not used. Then give the shard (scan the code, or type the words) and compare the
                recovered fingerprint with the one above.
              </p>
              <p>Anyone who sees the inside can copy the shard: store it folded and sealed.</p>
            </div>
            <div className="paper-receipt" data-testid="paper-receipt">
              <p>
                I, {view.custodianName}, received this shard and sealed it in bag {view.bagSerial === undefined ? '____________' : bagSerialDisplay(view.bagSerial)}.
              </p>
              <p className="signature-line">Signature ______________________________ Date and time ____________________</p>
            </div>
          </div>
          <div className="fold-line" data-testid="fold-line">
            <span>fold here · the shard is on the inside</span>
          </div>
          <div className="paper-secret">
            <QrGrid frames={s.qr.frames} label={`Shard of ${view.custodianName}`} />
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
