import { useEffect, useMemo } from 'react';
import { hrefOf } from '../../app/routes';
import { ScreenTitle } from '../../components/Shell';
import type { Status } from '../api';
import type { CeremonyPlan } from '../../../core/policy';
import { savedPlan, slug, useCeremonyFiles, useCheckedTranscript, useDownloadUrl, type FilesReading } from '../../transcript/ceremonyFiles';
import { TranscriptVerdict } from '../../transcript/TranscriptView';
import { custodianName, names } from '../names';
import { AbortPanel } from '../parts/AbortPanel';
import { ExceptionPanel } from '../parts/ExceptionPanel';

interface Props {
  readonly status: Status;
  readonly plan: CeremonyPlan | null;
  readonly setStatus: (s: Status) => void;
  /** Takes the plan keyshard saved when this window has none (the step list numbers the plan's own steps). */
  readonly onPlan?: (plan: CeremonyPlan) => void;
}

/** The plan keyshard saved beside the transcript, when this window has none; handed up as the sealed screen does. */
function useSavedPlan(plan: CeremonyPlan | null, reading: FilesReading, status: Status, onPlan?: (plan: CeremonyPlan) => void): CeremonyPlan | null {
  const saved = useMemo(() => (plan === null ? savedPlan(reading, status) : null), [plan, reading, status]);
  useEffect(() => {
    if (saved !== null) onPlan?.(saved);
  }, [saved, onPlan]);
  return plan ?? saved;
}

/**
 * After a restart that lost the secret: said plainly, with who holds shards of it (those shards must be destroyed),
 * and the one thing left to do: abort.
 */
export function LostStage({ status, plan, setStatus, onPlan }: Props) {
  const afterHandoff = status.phase === 'secret-lost-after-handoff';
  // A new window after the restart has no plan of its own: the one keyshard saved names the people.
  const { reading } = useCeremonyFiles();
  const known = useSavedPlan(plan, reading, status, onPlan);
  const holders = known === null ? [] : status.custodiansHoldingShards.map((id) => custodianName(known, id));
  const who = holders.length > 0 ? names(holders) : 'Each custodian named above';
  const one = holders.length <= 1;
  return (
    <>
      <ScreenTitle>{afterHandoff ? 'This ceremony cannot be finished' : 'The secret was lost in a restart'}</ScreenTitle>
      <div className="error-panel" role="alert" data-testid="secret-lost" data-phase={status.phase} tabIndex={-1}>
        <h2>
          The secret was only in memory, and keyshard stopped
          <span className="error-code">CEREMONY_SECRET_LOST</span>
        </h2>
        <p data-testid="secret-lost-message">{status.message}</p>
        {afterHandoff ? (
          <>
            {holders.length > 0 ? (
              <p>
                <strong>Shards of the lost secret are held by: </strong>
                <span data-testid="secret-lost-holders">{names(holders)}</span>.
              </p>
            ) : null}
            <ol className="todo-list">
              <li>Abort this ceremony below, with the reason (the restart).</li>
              <li>
                {who} bring{one ? 's' : ''} their shard{one ? '' : 's'}: destroy each one in front of the witnesses
                (shred the paper, wipe the drive), or seal it in an envelope marked “incomplete ceremony — do not use”.
              </li>
              <li>Run a new ceremony from the same plan. The secret of this one no longer exists anywhere.</li>
            </ol>
          </>
        ) : (
          <ol className="todo-list">
            <li>Abort this ceremony below, with the reason (the restart).</li>
            <li>No shard was handed out: nothing else needs destroying. Run a new ceremony from the same plan.</li>
          </ol>
        )}
      </div>
      <AbortPanel plan={plan} setStatus={setStatus} open />
    </>
  );
}

/**
 * Aborted: the record stays. Said with what is left to do: the shards handed out before the abort are destroyed (named
 * when the plan is known: this window's, or the one keyshard saved), and a copy of the transcript can be saved.
 */
export function AbortedStage({
  status,
  plan,
  onPlan,
  setStatus,
}: {
  readonly status: Status;
  readonly plan?: CeremonyPlan | null;
  readonly onPlan?: (plan: CeremonyPlan) => void;
  readonly setStatus?: (s: Status) => void;
}) {
  const { reading } = useCeremonyFiles();
  const checked = useCheckedTranscript(reading, status.transcript.headHash ?? '');
  const known = useSavedPlan(plan ?? null, reading, status, onPlan);
  const url = useDownloadUrl(checked?.loaded.result.ok ? checked.text : null);
  const holders = status.custodiansHoldingShards.map((id) => (known === null ? id : custodianName(known, id)));
  const one = holders.length === 1;
  // The abort's exception (the reason for the script, a witness's signature) is asked for after the wipe.
  const needed = status.exceptionNeeded?.deviation === 'abort' ? status.exceptionNeeded : null;
  return (
    <>
      <ScreenTitle>The ceremony was aborted</ScreenTitle>
      {/* First, while the witness is still in the room: the abort's exception. */}
      {needed !== null && known !== null && setStatus !== undefined ? <ExceptionPanel needed={needed} plan={known} setStatus={setStatus} /> : null}
      <div className="notice" data-testid="aborted">
        <p>{status.message}</p>
        {holders.length > 0 ? (
          <>
            <p>Shards handed out before the abort must be destroyed.</p>
            <ol className="todo-list" data-testid="aborted-todo">
              <li>
                <span data-testid="aborted-holders">{names(holders)}</span> bring{one ? 's' : ''} {one ? 'their shard' : 'their shards'}: destroy each
                one in front of the witnesses (shred the paper, wipe the drive), or seal it in an envelope marked “aborted ceremony — do not use”.
              </li>
              <li>Run a new ceremony when the reason for the abort is dealt with.</li>
            </ol>
          </>
        ) : (
          <p>No shard was handed out: nothing needs destroying. Run a new ceremony when the reason for the abort is dealt with.</p>
        )}
        <p>
          The transcript stays in <span className="mono">{status.transcript.path}</span> as the record of what happened.
        </p>
      </div>
      {checked !== null && !checked.loaded.result.ok ? <TranscriptVerdict loaded={checked.loaded} /> : null}
      <div className="actions">
        <a className={needed === null ? 'button' : 'button secondary'} href={hrefOf('plan')} data-testid="aborted-plan">
          Plan a new ceremony
        </a>
        {url !== null ? (
          <a className="button secondary" href={url} download={`${slug(known?.label ?? status.label ?? '')}.aborted.transcript.json`} data-testid="aborted-download">
            Save a copy of the transcript (JSON)
          </a>
        ) : null}
        <a className="button secondary" href={hrefOf('start')}>
          Back to the start screen
        </a>
      </div>
    </>
  );
}

export function NoPlanStage() {
  return (
    <>
      <ScreenTitle>Air-gap check</ScreenTitle>
      <div className="notice" data-testid="ceremony-no-plan">
        <p>There is no plan yet. A ceremony starts from its plan; an interrupted one is resumed from the resume screen.</p>
      </div>
      <div className="actions">
        <a className="button" href={hrefOf('plan')} data-testid="back-to-plan">
          Go to the plan
        </a>
        <a className="button secondary" href={hrefOf('resume')}>
          Resume a ceremony
        </a>
      </div>
    </>
  );
}
