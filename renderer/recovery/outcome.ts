/**
 * What happened to each shard the team added, in the words the screens use. Only public facts: whose shard (the label
 * printed in its envelope), which group and member, where it came from. Typed words carry no label, so they are named
 * by group and member.
 */
import { t } from '../i18n/translate';
import type { AddShardResponse, ShardFacts } from './api';
import type { ScanFacts } from './CameraInput';

export type ShardOrigin =
  | { readonly kind: 'camera'; readonly scan: ScanFacts }
  | { readonly kind: 'words' }
  | { readonly kind: 'file'; readonly protection: 'none' | 'age' | 'openpgp' }
  /** Read by main from a listed drive. */
  | { readonly kind: 'usb'; readonly protection: 'none' | 'age' | 'openpgp' | 'pkcs11'; readonly drive: string }
  /** Read by main from a custodian's token. */
  | { readonly kind: 'token'; readonly token: string };

/** What an input learns back (the words input marks words from a rejection's details). */
/** A problem main reported: a stable code (KeyshardError codes, as text), a message, non-secret details. */
export interface ShardProblem {
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

export type SubmitResult =
  | { readonly outcome: 'accepted' | 'duplicate' }
  | { readonly outcome: 'rejected'; readonly error: ShardProblem };

export type Outcome =
  | { readonly outcome: 'accepted'; readonly attempt: number; readonly origin: ShardOrigin; readonly shard: ShardFacts }
  | { readonly outcome: 'duplicate'; readonly attempt: number; readonly origin: ShardOrigin; readonly shard: ShardFacts; readonly message: string }
  | { readonly outcome: 'rejected'; readonly attempt: number; readonly origin: ShardOrigin; readonly error: ShardProblem };

export interface HeldShard {
  readonly facts: ShardFacts;
  readonly origin: ShardOrigin;
}

export function outcomeOf(response: AddShardResponse, attempt: number, origin: ShardOrigin): Outcome {
  switch (response.outcome) {
    case 'accepted':
      return { outcome: 'accepted', attempt, origin, shard: response.shard };
    case 'duplicate':
      return { outcome: 'duplicate', attempt, origin, shard: response.shard, message: response.message };
    case 'rejected':
      return { outcome: 'rejected', attempt, origin, error: response.error };
  }
}

/** "Shard of Dana — Zurich vault", or "Typed share (group 1, member 2)" when the shard has no envelope. */
export function shardTitle(facts: ShardFacts): string {
  if (facts.custodianLabel !== undefined && facts.custodianLabel !== '') return `Shard of ${facts.custodianLabel}`;
  const where = shardPlace(facts);
  return where === '' ? `Share ${facts.number}` : `Share of ${where}`;
}

/** Whose shard: the custodian printed in the envelope, else its place ("Group 1, member 2"). */
export function shardName(facts: ShardFacts): string {
  if (facts.custodianLabel !== undefined && facts.custodianLabel !== '') return facts.custodianLabel;
  const place = shardPlace(facts);
  return place === '' ? t('origin.share', { n: facts.number }) : capitalize(place);
}

/** "group 1, member 2" (SLIP-39) or "signer 3" (verifiable shares); '' when unknown. */
export function shardPlace(facts: ShardFacts): string {
  if (facts.group !== undefined && facts.member !== undefined) return t('origin.groupMember', { group: facts.group, member: facts.member });
  if (facts.signer !== undefined) return t('origin.signer', { signer: facts.signer });
  return '';
}

/** The line under a shard's title: its place (when the title is a custodian) and where it came from. */
export function shardSubline(facts: ShardFacts, origin: ShardOrigin): string {
  const named = facts.custodianLabel !== undefined && facts.custodianLabel !== '';
  const place = named ? shardPlace(facts) : '';
  return place === '' ? capitalize(originText(origin)) : `${capitalize(place)} · ${originText(origin)}`;
}

function capitalize(s: string): string {
  return s === '' ? s : `${s[0]!.toUpperCase()}${s.slice(1)}`;
}

const usbProtection = (p: 'age' | 'openpgp' | 'pkcs11'): string => (p === 'age' ? 'age' : p === 'openpgp' ? 'OpenPGP' : t('origin.tokenSealed'));

export function originText(origin: ShardOrigin): string {
  switch (origin.kind) {
    case 'camera':
      return origin.scan.parts <= 1 ? t('origin.scannedSingle') : t('origin.scannedParts', { parts: origin.scan.parts });
    case 'words':
      return t('origin.words');
    case 'file':
      return origin.protection === 'none' ? t('origin.file') : t('origin.fileProtected', { protection: origin.protection === 'age' ? 'age' : 'OpenPGP' });
    case 'usb':
      return origin.protection === 'none' ? t('origin.usb', { drive: origin.drive }) : t('origin.usbProtected', { drive: origin.drive, protection: usbProtection(origin.protection) });
    case 'token':
      return t('origin.token', { token: origin.token });
  }
}
