/** Pure: the state of one step in the step list (StepList.tsx), testable without a DOM. */

/** A step of the ceremony's list: a catalogue step id (core/ceremony-kinds), "airgap", "handoff", ... */
export type CeremonyStepId = string;

export interface CustodianProgress {
  readonly id: string;
  readonly name: string;
  /** absent: recorded absent at their handoff (a signed exception); the handoff waits for them. */
  readonly state: 'waiting' | 'absent' | 'handed-off' | 'confirmed';
}

export type StepState = 'done' | 'current' | 'todo' | 'stopped' | 'not-reached';

/**
 * A step's state in the list. A step named in `done` is done even when it is the current one: the last step of a
 * finished flow (the seal of a sealed ceremony) is where the person is, and it is finished. In a flow that ended
 * early (`stopped`: aborted, or the secret lost) the current step is where it stopped and nothing after it is to do.
 */
export function stepState<Id extends string>(steps: readonly { readonly id: Id }[], id: Id, current: Id | null, done?: readonly Id[], stopped = false): StepState {
  const index = steps.findIndex((s) => s.id === id);
  const currentIndex = current === null ? -1 : steps.findIndex((s) => s.id === current);
  if (done !== undefined && done.includes(id)) return 'done';
  if (id === current) return stopped ? 'stopped' : 'current';
  if (stopped) return index < currentIndex && done === undefined ? 'done' : 'not-reached';
  if (done !== undefined || current === null) return 'todo';
  return index < currentIndex ? 'done' : 'todo';
}
