/**
 * Resume: rebuilds a session from the transcript on disk (verified, then replayed by core) and its plan. Secrets are
 * never on disk: after a crash past generate/import the secret is gone and the session says so (secret-lost, or
 * secret-lost-after-handoff with the custodians who already hold shards) and offers only abort. It never
 * re-generates or re-uses a secret; after a crash right after entropy, generate asks for the same sources again.
 */
import { CEREMONY_STEPS, abortExceptionOpen, replay, type CeremonyStep } from '../../../../core/ceremony';
import { KeyshardError } from '../../../../core/errors';
import { resumeTranscript, type Transcript } from '../../../../core/transcript';
import { bindingsFromEntry, TOKEN_ENTRY_KINDS } from '../tokens';
import { awaitAbortException } from './abort';
import { RECEIPT_KIND } from './receipt';
import type { StepKit } from './kit';
import { newSession, transition, type Session } from './session';

/** Steps after which the secret exists only in memory (lost in a crash) until destroy. */
const SECRET_IN_MEMORY: readonly CeremonyStep[] = ['generate', 'import', 'split', 'handoff', 'confirm', 'test-recovery'];

export type ResumeKit = Pick<StepKit, 'clock' | 'storeFor' | 'wipe'>;

/** Each `sign-off` record is followed by that witness's signature over the last main step; an exception may be followed by one over itself. */
function checkSignoffPairs(t: Transcript): void {
  let lastMain = 0;
  t.entries.forEach((e, i) => {
    if ((CEREMONY_STEPS as readonly string[]).includes(e.kind)) lastMain = e.seq;
    const bad = (why: string): KeyshardError =>
      new KeyshardError('TRANSCRIPT_FORMAT', `Entry ${e.seq} (${e.kind}) ${why}; keyshard writes a sign-off record and its signature together. The transcript was edited.`, {
        firstBadSeq: e.seq,
      });
    if (e.kind === 'sign-off') {
      const next = t.entries[i + 1];
      const d = next?.data as { witness?: { id?: string }; target?: { seq?: number } } | undefined;
      const who = (e.data as { witnessId?: unknown }).witnessId;
      if (next === undefined || next.kind !== 'signoff' || d?.witness?.id !== who || d?.target?.seq !== lastMain) {
        throw bad("is not followed by that witness's signature over the checkpoint");
      }
    }
    // An exception is signed by its witness right after it, over the exception entry itself (steps/exception.ts).
    const before = t.entries[i - 1];
    const overException = before?.kind === 'exception' && (e.data as { target?: { seq?: number } }).target?.seq === before.seq;
    if (e.kind === 'signoff' && before?.kind !== 'sign-off' && !overException) throw bad('is a signature without its sign-off record');
  });
}

/** The session in `dir` (null when it holds no transcript); `previous` is wiped once the transcript has replayed. */
export async function resume(kit: ResumeKit, previous: Session | null, dir: string): Promise<Session | null> {
  if (previous !== null && previous.state.status === 'active' && previous.lost === null) {
    throw transition('A ceremony is running in this session; finish or abort it before resuming another.');
  }
  const store = kit.storeFor(dir);
  await store.removeLeftovers();
  const loaded = await store.loadTranscript();
  if (loaded === null) return null;
  const plan = await store.loadPlan();
  if (plan === null) {
    throw new KeyshardError('TRANSCRIPT_FORMAT', `${store.planPath} is missing: the transcript cannot be resumed without the plan it runs under. Put the plan file back.`);
  }
  if (!/^[0-9a-f]{32}$/.test(loaded.ceremonyId)) {
    throw new KeyshardError('TRANSCRIPT_FORMAT', 'This transcript was not written by the ceremony service (its ceremony id is not 32 hex digits); it cannot be resumed.');
  }
  checkSignoffPairs(loaded);
  const tokenKinds: readonly string[] = TOKEN_ENTRY_KINDS;
  // Receipts are entries beside the steps (steps/receipt.ts), not steps core replays.
  const records = loaded.entries.filter((e) => e.kind !== 'signoff' && e.kind !== RECEIPT_KIND && !tokenKinds.includes(e.kind)).map((e) => ({ step: e.kind, at: e.at, data: e.data }));
  const tokenCheck = bindingsFromEntry(loaded.entries.find((e) => e.kind === 'token-check')?.data);
  const state = replay(plan, records, kit.clock);
  let checkpointSeq: number | null = null;
  for (const e of loaded.entries) if ((CEREMONY_STEPS as readonly string[]).includes(e.kind)) checkpointSeq = e.seq;
  kit.wipe(previous);
  const active = state.status === 'active';
  const lostSecret = active && state.lastStep !== null && SECRET_IN_MEMORY.includes(state.lastStep);
  const entropyRecord = [...state.records].reverse().find((r) => r.step === 'entropy');
  const session = newSession({
    plan,
    store,
    ceremonyIdHex: loaded.ceremonyId,
    state,
    transcript: resumeTranscript(loaded, kit.clock),
    checkpointSeq,
    lost: lostSecret ? (state.handedOff.length > 0 ? 'secret-lost-after-handoff' : 'secret-lost') : null,
    entropyNeeded: active && state.lastStep === 'entropy' ? ((entropyRecord?.data['sources'] ?? []) as string[]).slice() : null,
    tokens: new Map(tokenCheck.bindings.map((b) => [b.custodianId, b] as const)),
    entropyToken: tokenCheck.entropy,
  });
  // An abort whose exception was not recorded yet still asks for it.
  if (abortExceptionOpen(state)) awaitAbortException(session);
  return session;
}
