/**
 * A fountain-code decoder for one multi-part UR message (BCR-2020-005) that solves mixed parts as equations.
 *
 * Every part, plain or mixed, says: "the XOR of fragments {i, j, ...} is these bytes". That is one row over GF(2) of the
 * fragment indexes, with the bytes as its right-hand side. The decoder keeps the rows it has in reduced row-echelon form
 * (every kept row has one pivot fragment that no other kept row mentions), so each new part is reduced against the
 * kept rows in one pass (peel), and when it still says something new it becomes a row of its own and is eliminated
 * from the others (eliminate). When the rows reach full rank every row is a single fragment: the message.
 *
 * Why not bc-ur's own decoder: it only subtracts a part from another when one's fragments are a subset of the other's,
 * so at 25% frame loss it needed 1.2-1.4x the ideal number of parts; elimination needs the ideal plus a part or two.
 *
 * Bounds (a hostile stream must not hold the thread or memory): at most `seqLength` rows of `fragmentLength` bytes are
 * ever kept (a part that adds nothing is dropped after its reduction), and a part costs at most `seqLength` row XORs.
 * The caller bounds `seqLength` and `fragmentLength` before a part gets here (ur-text.ts, limits.ts).
 *
 * Never wrong bytes: the joined message must match the CRC-32 every part carries; a part that contradicts the kept rows
 * (it reduces to "nothing = something") is reported, since only a forged or misread part can do that.
 */
import { crc32 } from '../crc32';
import { KeyshardError } from '../errors';

export interface FountainMessage {
  readonly seqLength: number;
  readonly messageLength: number;
  readonly checksum: number;
  readonly fragmentLength: number;
}

/**
 * - 'added': the part told something new (the rank grew);
 * - 'redundant': it followed from parts already held and was dropped;
 * - 'complete': it finished the message, whose checksum matched;
 * - 'inconsistent': it contradicts the parts held, or the finished message fails its checksum; the decoder is spent.
 */
export type FountainReceiveStatus = 'added' | 'redundant' | 'complete' | 'inconsistent';

export interface FountainDecoder {
  readonly message: FountainMessage;
  /** Feeds one part: its fragment indexes (0-based, as chooseFragments gives them) and its bytes. */
  receive(indexes: readonly number[], fragment: Uint8Array): FountainReceiveStatus;
  /** Independent equations held (0..seqLength). */
  rank(): number;
  /** Fragments (0-based) known on their own so far. */
  solvedIndexes(): number[];
  /** The message once complete (a fresh copy); undefined before. */
  result(): Uint8Array | undefined;
  /** Zeroes every byte held (fragments of an unencrypted shard are secret). The decoder is spent afterwards. */
  wipe(): void;
}

interface Row {
  readonly mask: Uint32Array;
  readonly data: Uint8Array;
}

function xorInto(target: Uint32Array | Uint8Array, source: Uint32Array | Uint8Array): void {
  for (let i = 0; i < target.length; i++) target[i] = (target[i] as number) ^ (source[i] as number);
}

const hasBit = (mask: Uint32Array, bit: number): boolean => (((mask[bit >>> 5] as number) >>> (bit & 31)) & 1) === 1;

function lowestBit(mask: Uint32Array): number {
  for (let w = 0; w < mask.length; w++) {
    const word = mask[w] as number;
    if (word !== 0) return w * 32 + (31 - Math.clz32(word & -word));
  }
  return -1;
}

function bitCount(mask: Uint32Array): number {
  let n = 0;
  for (const word of mask) {
    let v = word;
    while (v !== 0) {
      v &= v - 1;
      n++;
    }
  }
  return n;
}

export function createFountainDecoder(message: FountainMessage): FountainDecoder {
  const { seqLength, messageLength, checksum, fragmentLength } = message;
  if (!Number.isInteger(seqLength) || seqLength < 1 || !Number.isInteger(fragmentLength) || fragmentLength < 1 || messageLength > seqLength * fragmentLength) {
    throw new KeyshardError('INVALID_ARGUMENT', 'A fountain decoder needs a whole number of parts and fragment bytes that can hold the message.', {
      seqLength,
      fragmentLength,
      messageLength,
    });
  }
  const words = Math.ceil(seqLength / 32);
  /** pivots[i]: the kept row whose pivot is fragment i. */
  const pivots: (Row | undefined)[] = new Array<Row | undefined>(seqLength).fill(undefined);
  let rank = 0;
  let done: Uint8Array | undefined;
  let spent = false;

  const finish = (): FountainReceiveStatus => {
    const joined = new Uint8Array(seqLength * fragmentLength);
    pivots.forEach((row, i) => joined.set((row as Row).data, i * fragmentLength));
    const out = joined.slice(0, messageLength);
    joined.fill(0);
    if (crc32(out) !== checksum >>> 0) {
      out.fill(0);
      spent = true;
      return 'inconsistent';
    }
    done = out;
    return 'complete';
  };

  return {
    message,
    receive(indexes, fragment) {
      if (spent || done !== undefined) return 'redundant';
      if (fragment.length !== fragmentLength || indexes.length === 0) return 'inconsistent';
      const mask = new Uint32Array(words);
      for (const i of indexes) {
        if (!Number.isInteger(i) || i < 0 || i >= seqLength || hasBit(mask, i)) return 'inconsistent';
        mask[i >>> 5] = (mask[i >>> 5] as number) | (1 << (i & 31));
      }
      const data = Uint8Array.from(fragment);
      // Peel: every kept row whose pivot this part mentions is XORed out. Kept rows share no pivots, so one pass is enough.
      for (const i of indexes) {
        const row = pivots[i];
        if (row !== undefined && hasBit(mask, i)) {
          xorInto(mask, row.mask);
          xorInto(data, row.data);
        }
      }
      const pivot = lowestBit(mask);
      if (pivot < 0) {
        const contradicts = data.some((b) => b !== 0);
        data.fill(0);
        if (!contradicts) return 'redundant';
        spent = true;
        return 'inconsistent';
      }
      // Eliminate: no other kept row may mention the new pivot.
      const row: Row = { mask, data };
      for (const other of pivots) {
        if (other !== undefined && hasBit(other.mask, pivot)) {
          xorInto(other.mask, mask);
          xorInto(other.data, data);
        }
      }
      pivots[pivot] = row;
      rank++;
      return rank === seqLength ? finish() : 'added';
    },
    rank: () => rank,
    solvedIndexes() {
      const out: number[] = [];
      pivots.forEach((row, i) => {
        if (row !== undefined && bitCount(row.mask) === 1) out.push(i);
      });
      return out;
    },
    result: () => done?.slice(),
    wipe() {
      for (const row of pivots) row?.data.fill(0);
      pivots.fill(undefined);
      done?.fill(0);
      done = undefined;
      rank = 0;
      spent = true;
    },
  };
}
