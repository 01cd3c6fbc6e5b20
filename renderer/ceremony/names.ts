/** Plain words for what the plan and the status name by id. */
import type { CeremonyPlan, Custodian, HandoffMedium } from '../../core/policy';
import { tokenName } from '../devices/api';
import { t, translate } from '../i18n/translate';
import type { Status } from './api';

export function custodianOf(plan: CeremonyPlan | null, id: string): Custodian | undefined {
  return plan?.custodians.find((c) => c.id === id);
}

export function custodianName(plan: CeremonyPlan | null, id: string): string {
  return custodianOf(plan, id)?.name ?? id;
}

export function witnessName(plan: CeremonyPlan | null, id: string): string {
  return plan?.witnesses.find((w) => w.id === id)?.name ?? id;
}

export function names(list: readonly string[]): string {
  if (list.length <= 1) return list.join('');
  return t('names.and', { first: list.slice(0, -1).join(', '), last: list[list.length - 1] ?? '' });
}

// In the language chosen on the start screen (read when called: screens are drawn after the choice).
const MEDIUM_KEYS = { 'screen-qr': 'medium.screen-qr', paper: 'medium.paper', usb: 'medium.usb', pkcs11: 'medium.pkcs11' } as const satisfies Record<HandoffMedium, string>;

export function mediumText(medium: string): string {
  return Object.hasOwn(MEDIUM_KEYS, medium) ? t(MEDIUM_KEYS[medium as HandoffMedium]) : medium;
}

export function schemeSentence(plan: CeremonyPlan): string {
  const s = plan.scheme;
  if (s.type === 'vss') return t('scheme.vss', { suite: s.ciphersuite, threshold: s.threshold, shares: s.shares });
  if (s.groups.length === 1) {
    const g = s.groups[0]!;
    return t('scheme.slip39', { threshold: g.memberThreshold, count: g.memberCount });
  }
  return t('scheme.slip39Groups', { groups: s.groups.length, threshold: s.groupThreshold });
}

export function secretSentence(plan: CeremonyPlan): string {
  const s = plan.secret;
  if (s.type === 'new-seed') return t('secret.newSeed', { bits: s.bits });
  if (s.type === 'new-key') return t('secret.newKey', { curve: s.curve });
  return s.kind === 'seed' ? t('secret.importSeed', { bytes: s.lengthBytes }) : t('secret.importKey', { kind: s.kind, bytes: s.lengthBytes });
}

export function shareCount(plan: CeremonyPlan): number {
  return plan.custodians.reduce((n, c) => n + c.shares.length, 0);
}

/**
 * What a witness's signature at a checkpoint says, in one sentence. Each sentence must be true at the moment the
 * witness signs, about what the room saw and what the screen shows then (never about something asked for later: the
 * final hash, for one, is shown only once the seal is signed, and the sealed screen asks for it to be written down).
 * `airgap` is the air-gap check's result (status.airgap), which decides what its sign-off states.
 */
export function checkpointMeaning(checkpoint: string, custodian: string | null, airgap: Status['airgap'] = null): string {
  switch (checkpoint) {
    case 'plan':
      return t('meaning.plan');
    case 'airgap-check':
      return t(airgap === 'overridden' ? 'meaning.airgapOverridden' : 'meaning.airgap');
    case 'entropy':
      return t('meaning.entropy');
    case 'generate':
    case 'import':
      return t('meaning.fingerprint');
    case 'split':
      return t('meaning.split');
    case 'handoff':
      return t('meaning.handoff', { custodian: custodian ?? t('meaning.theCustodian') });
    case 'confirm':
      // True for every method: the screen above says whether it proves possession or only checks the write.
      return t('meaning.confirm', { custodian: custodian ?? t('meaning.theCustodian') });
    case 'test-recovery':
      return t('meaning.testRecovery');
    case 'destroy':
      return t('meaning.destroy');
    case 'seal':
      return t('meaning.seal');
    default:
      return t('meaning.other', { checkpoint });
  }
}

const CHECKPOINT_KEYS = {
  plan: 'checkpoint.plan',
  'airgap-check': 'checkpoint.airgap-check',
  entropy: 'checkpoint.entropy',
  generate: 'checkpoint.generate',
  import: 'checkpoint.import',
  split: 'checkpoint.split',
  handoff: 'checkpoint.handoff',
  confirm: 'checkpoint.confirm',
  'test-recovery': 'checkpoint.test-recovery',
  destroy: 'checkpoint.destroy',
  seal: 'checkpoint.seal',
} as const;

/** "the air-gap check": what a sign-off is of, in the chosen language; undefined for a checkpoint it does not know. */
export function checkpointTitle(checkpoint: string): string | undefined {
  return Object.hasOwn(CHECKPOINT_KEYS, checkpoint) ? t(CHECKPOINT_KEYS[checkpoint as keyof typeof CHECKPOINT_KEYS]) : undefined;
}

/** The English titles, by checkpoint. */
export const CHECKPOINT_TITLE: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(CHECKPOINT_KEYS).map(([checkpoint, key]) => [checkpoint, translate('en', key)]),
);

/** "a1b2c3d4..." -> "a1b2 c3d4 ...". */
export function groupHex(hex: string): string {
  return hex.replace(/(.{4})(?=.)/g, '$1 ');
}

export function dirOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i <= 0 ? path : path.slice(0, i);
}

/** The token a custodian's shard goes on, as main fixed it at start (label and serial; public). */
export function custodianToken(status: Status, custodian: Custodian): string {
  const t = status.tokens?.find((x) => x.custodianId === custodian.id);
  if (t !== undefined) return tokenName({ label: t.tokenLabel, serial: t.tokenSerial });
  const planned = custodian.protection.type === 'pkcs11' ? custodian.protection.tokenLabel : undefined;
  return planned ?? '(the one chosen at the start)';
}

/** The token the entropy step draws random bytes from, as main fixed it at start (label and serial; public). */
export function entropyTokenOf(status: Status): { readonly label: string; readonly serial: string } | undefined {
  const t = status.entropyToken;
  return t === undefined ? undefined : { label: t.tokenLabel, serial: t.tokenSerial };
}

/** The name of the key a USB custodian's file is encrypted to: "age", "OpenPGP". */
export function protectionName(c: Custodian): string {
  return c.protection.type === 'age' ? 'age' : c.protection.type === 'openpgp' ? 'OpenPGP' : c.protection.type;
}
