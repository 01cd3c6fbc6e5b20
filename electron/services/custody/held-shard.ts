/**
 * The custody check's shard when main reads it off the custodian's USB stick or token (issue 17): read first (so a
 * wrong PIN or key is answered while the custodian is at the device), held here, and taken by the check, which wipes
 * it. Reading another shard or leaving the screen wipes the one held. Only public facts leave: whose it says it is.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { type Envelope, wipeEnvelope } from '../../../core/envelope';
import { KeyshardError } from '../../../core/errors';
import { type DeviceShardInput, type DeviceShardReader, deviceShardReader } from '../recovery/sources';

export interface HeldShardView {
  readonly ceremonyId: string;
  readonly custodianIndex: number;
  readonly custodianLabel: string;
  readonly source: 'usb' | 'token';
}

export interface HeldShardSlot {
  read(input: DeviceShardInput): Promise<HeldShardView>;
  /** The envelope held, now the caller's to wipe; CEREMONY_TRANSITION when none is. */
  take(): Envelope;
  clear(): null;
  view(): HeldShardView | null;
}

export function createHeldShardSlot(deps: { readonly readDevice?: DeviceShardReader } = {}): HeldShardSlot {
  const readDevice = deps.readDevice ?? deviceShardReader({});
  let held: { envelope: Envelope; view: HeldShardView } | null = null;
  const clear = (): null => {
    if (held !== null) wipeEnvelope(held.envelope);
    held = null;
    return null;
  };
  return {
    async read(input) {
      clear();
      const { envelope } = await readDevice(input, null);
      clear();
      const view: HeldShardView = { ceremonyId: bytesToHex(envelope.ceremonyId), custodianIndex: envelope.custodianIndex, custodianLabel: envelope.custodianLabel, source: 'driveFile' in input ? 'usb' : 'token' };
      held = { envelope, view };
      return view;
    },
    take() {
      if (held === null) throw new KeyshardError('CEREMONY_TRANSITION', "No shard has been read off a USB stick or token for this check. Read the custodian's shard first.");
      const { envelope } = held;
      held = null;
      return envelope;
    },
    clear,
    view: () => held?.view ?? null,
  };
}
