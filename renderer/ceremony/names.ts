/** Plain words for what the plan and the status name by id. */
import type { CeremonyPlan, Custodian, HandoffMedium } from '../../core/policy';
import { tokenName } from '../devices/api';
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
  return `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

export const MEDIUM_TEXT: Readonly<Record<HandoffMedium, string>> = {
  'screen-qr': 'QR code on this screen',
  paper: 'printed paper',
  usb: 'encrypted file on a USB drive',
  pkcs11: 'HSM token',
};

export function mediumText(medium: string): string {
  return MEDIUM_TEXT[medium as HandoffMedium] ?? medium;
}

export function schemeSentence(plan: CeremonyPlan): string {
  const s = plan.scheme;
  if (s.type === 'vss') return `Verifiable shares (FROST ${s.ciphersuite}): any ${s.threshold} of the ${s.shares} signers can sign or recover.`;
  if (s.groups.length === 1) {
    const g = s.groups[0]!;
    return `SLIP-39 shares: any ${g.memberThreshold} of the ${g.memberCount} shares recover the secret.`;
  }
  return `SLIP-39 shares in ${s.groups.length} groups: ${s.groupThreshold} groups are needed, each with enough of its own shares.`;
}

export function secretSentence(plan: CeremonyPlan): string {
  const s = plan.secret;
  if (s.type === 'new-seed') return `A new ${s.bits}-bit seed`;
  if (s.type === 'new-key') return `A new ${s.curve} key`;
  return `An existing ${s.kind === 'seed' ? 'seed' : `${s.kind} key`} of ${s.lengthBytes} bytes, imported`;
}

export function shareCount(plan: CeremonyPlan): number {
  return plan.custodians.reduce((n, c) => n + c.shares.length, 0);
}

/** What a witness's signature at a checkpoint says, in one sentence. */
export function checkpointMeaning(checkpoint: string, custodian: string | null): string {
  switch (checkpoint) {
    case 'plan':
      return 'The plan was read with everyone present and is the one recorded.';
    case 'airgap-check':
      return 'The air-gap check happened as recorded (and any override was given for the reason written).';
    case 'entropy':
      return 'The entropy sources were gathered as recorded.';
    case 'generate':
    case 'import':
      return 'The fingerprint read aloud is the one on this screen.';
    case 'split':
      return 'The secret was split as planned, and the fingerprint read aloud again is the same.';
    case 'handoff':
      return `${custodian ?? 'The custodian'} received their shard while the others looked away.`;
    case 'confirm':
      return `${custodian ?? 'The custodian'} proved they hold their shard, and keyshard accepted it.`;
    case 'test-recovery':
      return 'The test recovery gave the same fingerprint.';
    case 'destroy':
      return "The secret and the shards were wiped from this machine's memory.";
    case 'seal':
      return 'The transcript is complete; its final hash is written on the paper record.';
    default:
      return `The ${checkpoint} step happened as recorded.`;
  }
}

export const CHECKPOINT_TITLE: Readonly<Record<string, string>> = {
  plan: 'the plan',
  'airgap-check': 'the air-gap check',
  entropy: 'the entropy',
  generate: 'the fingerprint',
  import: 'the fingerprint',
  split: 'the split',
  handoff: 'the handoff',
  confirm: 'the confirmation',
  'test-recovery': 'the test recovery',
  destroy: 'the destruction',
  seal: 'the seal',
};

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
