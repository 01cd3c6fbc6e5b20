/** Pure: the state of one step in the step list (StepList.tsx), testable without a DOM. */

export type StepState = 'done' | 'current' | 'todo';

/**
 * A step's state in the list. A step named in `done` is done even when it is the current one: the last step of a
 * finished flow (the seal of a sealed ceremony) is where the person is, and it is finished.
 */
export function stepState<Id extends string>(steps: readonly { readonly id: Id }[], id: Id, current: Id, done?: readonly Id[]): StepState {
  if (done !== undefined) return done.includes(id) ? 'done' : id === current ? 'current' : 'todo';
  const index = steps.findIndex((s) => s.id === id);
  const currentIndex = steps.findIndex((s) => s.id === current);
  return id === current ? 'current' : index < currentIndex ? 'done' : 'todo';
}
