import type { PlanForm } from './planForm';

/** How sections change the form: a pure function from the old form to the new one. */
export type UpdateForm = (change: (form: PlanForm) => PlanForm) => void;

export interface SectionProps {
  readonly form: PlanForm;
  readonly update: UpdateForm;
}
