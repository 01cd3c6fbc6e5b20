/** SLIP-39 layout constants (https://github.com/satoshilabs/slips/blob/master/slip-0039.md). */

/** Bits per word: 1024 words. */
export const RADIX_BITS = 10;
/** The random identifier shared by every share of one backup. */
export const ID_LENGTH_BITS = 15;
export const EXTENDABLE_FLAG_LENGTH_BITS = 1;
export const ITERATION_EXP_LENGTH_BITS = 4;
/** Identifier, extendable flag and iteration exponent: 20 bits, the first two words. */
export const ID_EXP_LENGTH_WORDS = 2;
/** Group index, group threshold, group count, member index, member threshold: 4 bits each, two words. */
export const GROUP_PARAMS_LENGTH_WORDS = 2;
export const CHECKSUM_LENGTH_WORDS = 3;
/** Words that are not the share value. */
export const METADATA_LENGTH_WORDS = ID_EXP_LENGTH_WORDS + GROUP_PARAMS_LENGTH_WORDS + CHECKSUM_LENGTH_WORDS;
/** The master secret has at least 128 bits... */
export const MIN_STRENGTH_BITS = 128;
/** ...so a share has at least 7 + 13 = 20 words. */
export const MIN_MNEMONIC_LENGTH_WORDS = METADATA_LENGTH_WORDS + Math.ceil(MIN_STRENGTH_BITS / RADIX_BITS);
export const MAX_ITERATION_EXPONENT = (1 << ITERATION_EXP_LENGTH_BITS) - 1;
/** At most 16 groups and 16 members per group (4-bit fields). */
export const MAX_SHARE_COUNT = 16;
/** PBKDF2 iterations = BASE_ITERATION_COUNT << e, spread over the Feistel rounds. */
export const BASE_ITERATION_COUNT = 10000;
export const ROUND_COUNT = 4;
/** Checksum customization strings; the original one is also the PBKDF2 salt prefix of non-extendable backups. */
export const CUSTOMIZATION_STRING_ORIG = 'shamir';
export const CUSTOMIZATION_STRING_EXTENDABLE = 'shamir_extendable';
