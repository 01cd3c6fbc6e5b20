/**
 * A ceremony kind's words in the chosen language. The English words live in the kind's catalogue; other languages
 * in a table per kind (key-ceremony-de.ts), typed against it. Only words change: ids, record kinds and the order stay
 * those of the catalogue, so the state machine and the transcript are the same whatever language the screens show.
 */
import type { Language } from '../language';
import { ownValue } from '../own';
import { fillPlanWords } from './derive';
import { KEY_CEREMONY_DE } from './key-ceremony-de';
import type { Person } from './roles';
import { ceremonyScript, type CeremonyScript } from './script';
import type { CeremonyKind, Role } from './types';

interface LooseWords {
  readonly title: string;
  readonly steps: Readonly<Record<string, { readonly screen: string; readonly paper: string; readonly does: string; readonly readAloud: string | null }>>;
  readonly records: Readonly<Record<string, { readonly transcript: string; readonly checkpoint?: string; readonly hint?: string; readonly repeatWhenFailed?: string; readonly transcriptWithoutBag?: string }>>;
}

// A kind without German words yet (a new lifecycle ceremony) is shown in English rather than not at all.
const GERMAN: Readonly<Record<string, LooseWords>> = { 'key-ceremony': KEY_CEREMONY_DE };

/** The kind with its words in `lang`: the same steps and records, other words. */
export function kindIn(kind: CeremonyKind, lang: Language): CeremonyKind {
  if (lang === 'en') return kind;
  const words = ownValue(GERMAN, kind.id);
  if (words === undefined) return kind;
  const record = <R extends CeremonyKind['entries'][number]>(r: R): R => {
    const w = ownValue(words.records, r.kind);
    if (w === undefined) return r;
    return {
      ...r,
      transcript: w.transcript,
      ...(r.checkpoint === undefined || w.checkpoint === undefined ? {} : { checkpoint: w.checkpoint }),
      ...(r.hint === undefined || w.hint === undefined ? {} : { hint: w.hint }),
      ...(r.repeatWhenFailed === undefined || w.repeatWhenFailed === undefined ? {} : { repeatWhenFailed: w.repeatWhenFailed }),
      ...(r.transcriptWithoutBag === undefined || w.transcriptWithoutBag === undefined ? {} : { transcriptWithoutBag: w.transcriptWithoutBag }),
    };
  };
  return {
    ...kind,
    title: words.title,
    steps: kind.steps.map((s) => {
      const w = ownValue(words.steps, s.id);
      return { ...s, ...(w ?? {}), records: s.records.map(record) };
    }),
    entries: kind.entries.map(record),
  };
}

export const ROLE_NAMES_BY_LANGUAGE: Readonly<Record<Language, Readonly<Record<Role, { readonly one: string; readonly many: string }>>>> = {
  en: {
    administrator: { one: 'Ceremony administrator', many: 'Ceremony administrator' },
    'internal-witness': { one: 'Internal witness', many: 'Internal witnesses' },
    'external-witness': { one: 'External witness', many: 'External witnesses' },
    custodian: { one: 'Custodian', many: 'Custodians' },
  },
  de: {
    administrator: { one: 'Zeremonie-Administrator', many: 'Zeremonie-Administrator' },
    'internal-witness': { one: 'Interner Zeuge', many: 'Interne Zeugen' },
    'external-witness': { one: 'Externer Zeuge', many: 'Externe Zeugen' },
    custodian: { one: 'Verwahrer', many: 'Verwahrer' },
  },
};

/** "Ceremony administrator (Ada Park)" / "Zeremonie-Administrator (Ada Park)". */
export function roleLineIn(role: Role, people: readonly Person[], lang: Language): string {
  const named = people.map((p) => p.name).filter((n) => n !== '');
  const names = ROLE_NAMES_BY_LANGUAGE[lang];
  const label = named.length > 1 ? names[role].many : names[role].one;
  return named.length === 0 ? label : `${label} (${named.join(', ')})`;
}

type PlanOf = Parameters<typeof fillPlanWords>[1];

/**
 * fillPlanWords in `lang`. The German words stand in brackets after "Geheimnis" ("das neue Geheimnis ({secret})"),
 * so they need no article or case ending.
 */
export function fillPlanWordsIn(text: string, plan: PlanOf, lang: Language): string {
  if (lang === 'en' || !text.includes('{secret}')) return fillPlanWords(text, plan);
  const s = plan?.secret;
  const key = (curve: string): string => `${curve}-Schlüssel`;
  const what =
    s === undefined
      ? 'laut Plan'
      : s.type === 'new-key'
        ? key(s.curve)
        : s.type === 'new-seed'
          ? 'Seed'
          : `vorhandener ${s.kind === 'seed' ? 'Seed' : key(s.kind)}`;
  return text.replace(/\{secret\}/g, what);
}

/** The printed script in `lang`: the same numbers, steps and people, the kind's words in that language. */
export function ceremonyScriptIn(kind: CeremonyKind, plan: Parameters<typeof ceremonyScript>[1], lang: Language): CeremonyScript {
  if (lang === 'en') return ceremonyScript(kind, plan);
  const local = kindIn(kind, lang);
  const script = ceremonyScript(local, plan);
  // ceremonyScript fills {secret} in English; fill the German words from the catalogue again.
  const does = new Map(local.steps.map((s) => [s.id, fillPlanWordsIn(s.does, plan, lang)] as const));
  return { ...script, lines: script.lines.map((l) => ({ ...l, does: does.get(l.stepId) ?? l.does })) };
}
