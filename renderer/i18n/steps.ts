/**
 * A step's name in the step list, in the chosen language, by ceremony kind and step id (en-steps.ts / de-steps.ts).
 * core keeps the English names (step.screen, used in transcripts and the CLI); the screens ask here, so the German
 * words live in the one catalogue. A step the catalogue does not name yet keeps core's English name.
 */
import type { Key } from './catalogue';
import type { Language } from './language';
import { CATALOGUES, translate } from './translate';

function stepKey(kindId: string, stepId: string): Key | null {
  for (const key of [`step.${kindId}.${stepId}`, `step.${stepId}`]) if (Object.hasOwn(CATALOGUES.en, key)) return key as Key;
  return null;
}

/** "refresh", "destroy" -> "Wipe" / "Löschen"; `english` (core's step.screen) when the catalogue has no entry. */
export function stepLabel(lang: Language, kindId: string, step: { readonly id: string; readonly screen: string }): string {
  const key = stepKey(kindId, step.id);
  return key === null ? step.screen : (translate as (l: Language, k: Key) => string)(lang, key);
}
