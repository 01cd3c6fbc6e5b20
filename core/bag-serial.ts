/**
 * Serials of tamper-evident bags, as printed on the bag and typed (or scanned) at the ceremony and at recovery. People
 * type them with spaces, dashes and either case, so a serial is kept normalised: upper-case letters and digits only,
 * 4 to 24 of them. Comparing two serials compares the normalised forms. Pure.
 */
import { KeyshardError } from './errors';

export const BAG_SERIAL_MIN = 4;
export const BAG_SERIAL_MAX = 24;

/** The most characters typed (separators included) that are looked at: bounded before it is parsed. */
const MAX_TYPED = 64;

/** The serial as keyshard records it ("ab-12 34" -> "AB1234"); BAG_SERIAL_INVALID names what is wrong, never echoes it all. */
export function normaliseBagSerial(typed: string): string {
  if (typeof typed !== 'string' || typed.length > MAX_TYPED) {
    throw new KeyshardError('BAG_SERIAL_INVALID', `A bag serial is ${BAG_SERIAL_MIN} to ${BAG_SERIAL_MAX} letters and digits. Type the serial printed on the bag again.`);
  }
  // Spaces, dashes, dots and slashes only separate groups on the bag; they are not part of the serial.
  const s = typed.replace(/[\s\-./_]+/g, '').toUpperCase();
  const bad = /[^A-Z0-9]/.exec(s);
  if (bad !== null) {
    throw new KeyshardError('BAG_SERIAL_INVALID', `A bag serial has letters and digits only; "${bad[0]}" is neither. Type the serial printed on the bag again.`, {
      character: bad[0],
    });
  }
  if (s.length < BAG_SERIAL_MIN || s.length > BAG_SERIAL_MAX) {
    throw new KeyshardError(
      'BAG_SERIAL_INVALID',
      `A bag serial is ${BAG_SERIAL_MIN} to ${BAG_SERIAL_MAX} letters and digits; ${s.length} were typed. Type the serial printed on the bag again.`,
      { length: s.length },
    );
  }
  return s;
}

/** Whether a recorded serial is already in normalised form (what a transcript may hold). */
export function isBagSerial(v: unknown): v is string {
  return typeof v === 'string' && new RegExp(`^[A-Z0-9]{${BAG_SERIAL_MIN},${BAG_SERIAL_MAX}}$`).test(v);
}

/** For reading aloud and paper: groups of four ("AB12 34CD 5"). */
export function bagSerialDisplay(serial: string): string {
  return serial.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * The serial typed for a bag against the one recorded for it. BAG_SERIAL_MISMATCH when they differ: the message says
 * both (serials are public) so a typo can be seen and typed again, and that a bag that really differs is not used.
 */
export function checkBagSerial(recorded: string, typed: string, whose: string): string {
  const given = normaliseBagSerial(typed);
  if (given !== recorded) {
    throw new KeyshardError(
      'BAG_SERIAL_MISMATCH',
      `The bag serial typed for ${whose}, ${bagSerialDisplay(given)}, is not the one recorded at the ceremony, ${bagSerialDisplay(recorded)}. Read the serial on the bag again and retype it; if the bag really carries another serial, do not use this shard: the bag may have been swapped or opened.`,
      { recorded, typed: given },
    );
  }
  return given;
}
