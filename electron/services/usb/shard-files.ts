/**
 * Names of shard files on a stick: `keyshard-<ceremony id hex>-c<custodian index><extension>`, at the top level.
 * The name alone tells whose shard it is, even when its content is encrypted and cannot be read without the key.
 */
import type { ProtectionKind } from '../protection/index';

export const EXTENSION_PROTECTION: Readonly<Record<string, ProtectionKind>> = {
  '.txt': 'none',
  '.age': 'age',
  '.asc': 'openpgp',
  '.p11': 'pkcs11',
};

const SHARD_FILE = /^keyshard-([0-9a-f]{32})-c(\d{1,5})(\.txt|\.age|\.asc|\.p11)$/;
const TEMP_FILE = /^\.keyshard-[0-9a-f]{32}-c\d{1,5}\.[0-9a-f]{12}\.tmp$/;

export interface ShardFileName {
  readonly ceremonyId: string;
  readonly custodianIndex: number;
  readonly extension: string;
  readonly protection: ProtectionKind;
}

export function shardFileName(ceremonyHex: string, custodianIndex: number, extension: string): string {
  return `keyshard-${ceremonyHex}-c${custodianIndex}${extension}`;
}

/** A temporary name in the same folder (so the final rename is atomic); starts with a dot to stay out of the way. */
export function tempFileName(ceremonyHex: string, custodianIndex: number, randomHex: string): string {
  return `.keyshard-${ceremonyHex}-c${custodianIndex}.${randomHex}.tmp`;
}

export function parseShardFileName(name: string): ShardFileName | undefined {
  const m = SHARD_FILE.exec(name);
  if (m === null) return undefined;
  const index = Number(m[2]);
  if (index > 0xffff || (m[2]!.length > 1 && m[2]!.startsWith('0'))) return undefined;
  return { ceremonyId: m[1]!, custodianIndex: index, extension: m[3]!, protection: EXTENSION_PROTECTION[m[3]!]! };
}

export function isTempFileName(name: string): boolean {
  return TEMP_FILE.test(name);
}
