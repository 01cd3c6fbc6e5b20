/**
 * Names of shard files on a stick: `keyshard-<ceremony id hex>-c<custodian index>[-s<n>]<extension>`, at the top
 * level. The name alone tells whose shard it is, even when its content is encrypted and cannot be read without the key.
 * `-s<n>` (n from 1) numbers the shares of a custodian who holds more than one (SLIP-39 allows it); a custodian with
 * one share has no suffix.
 */
import type { ProtectionKind } from '../protection/index';

export const EXTENSION_PROTECTION: Readonly<Record<string, ProtectionKind>> = {
  '.txt': 'none',
  '.age': 'age',
  '.asc': 'openpgp',
  '.p11': 'pkcs11',
};

const SHARD_FILE = /^keyshard-([0-9a-f]{32})-c(\d{1,5})(?:-s(\d{1,3}))?(\.txt|\.age|\.asc|\.p11)$/;
const TEMP_FILE = /^\.keyshard-[0-9a-f]{32}-c\d{1,5}(?:-s\d{1,3})?\.[0-9a-f]{12}\.tmp$/;

/** Decimal without leading zeros, at most `max`. */
function plainNumber(text: string, max: number): number | undefined {
  const n = Number(text);
  return n > max || (text.length > 1 && text.startsWith('0')) ? undefined : n;
}

export interface ShardFileName {
  readonly ceremonyId: string;
  readonly custodianIndex: number;
  /** Which of the custodian's shares (from 1), when they hold more than one. */
  readonly share?: number;
  readonly extension: string;
  readonly protection: ProtectionKind;
}

function shareSuffix(share: number | undefined): string {
  return share === undefined ? '' : `-s${share}`;
}

export function shardFileName(ceremonyHex: string, custodianIndex: number, extension: string, share?: number): string {
  return `keyshard-${ceremonyHex}-c${custodianIndex}${shareSuffix(share)}${extension}`;
}

/** A temporary name in the same folder (so the final rename is atomic); starts with a dot to stay out of the way. */
export function tempFileName(ceremonyHex: string, custodianIndex: number, randomHex: string, share?: number): string {
  return `.keyshard-${ceremonyHex}-c${custodianIndex}${shareSuffix(share)}.${randomHex}.tmp`;
}

export function parseShardFileName(name: string): ShardFileName | undefined {
  const m = SHARD_FILE.exec(name);
  if (m === null) return undefined;
  const index = plainNumber(m[2]!, 0xffff);
  const share = m[3] === undefined ? undefined : plainNumber(m[3], 255);
  if (index === undefined || (m[3] !== undefined && (share === undefined || share < 1))) return undefined;
  const extension = m[4]!;
  return { ceremonyId: m[1]!, custodianIndex: index, ...(share === undefined ? {} : { share }), extension, protection: EXTENSION_PROTECTION[extension]! };
}

export function isTempFileName(name: string): boolean {
  return TEMP_FILE.test(name);
}
