/** What the air-gap check reports. Plain data: it crosses to the renderer (through the IPC contract) and into the transcript. */
export type InterfaceKind = 'loopback' | 'ethernet' | 'wireless' | 'bridge' | 'tunnel' | 'virtual' | 'other';

export interface NetworkInterfaceReport {
  readonly name: string;
  readonly kind: InterfaceKind;
  /** Administratively up with a link that is not down, or holding a non-loopback address. */
  readonly up: boolean;
  /** Addresses as `address/prefix` (CIDR), as the OS reports them. */
  readonly addresses: readonly string[];
  /** Linux operstate (`up`, `down`, `unknown`, `dormant`, ...) when known. */
  readonly operstate?: string | undefined;
}

export type RadioType = 'wlan' | 'bluetooth' | 'wwan' | 'nfc' | 'gps' | 'fm' | 'uwb' | 'other';

export interface RadioReport {
  /** rfkill device name, e.g. `rfkill0` (`phy0` or `hci0` in `label`). */
  readonly name: string;
  readonly label?: string | undefined;
  readonly type: RadioType;
  readonly softBlocked: boolean;
  readonly hardBlocked: boolean;
}

export interface AirGapProblem {
  readonly kind: 'interface' | 'radio';
  readonly name: string;
  /** A sentence for the screen and the transcript. */
  readonly message: string;
}

export interface AirGapReport {
  /** True when no non-loopback interface is up and no radio is unblocked. */
  readonly ok: boolean;
  readonly interfaces: readonly NetworkInterfaceReport[];
  readonly radios: readonly RadioReport[];
  readonly problems: readonly AirGapProblem[];
  /** Where the facts came from: `os` always, `sysfs` on Linux when /sys/class/net was readable. */
  readonly sources: readonly ('os' | 'sysfs' | 'rfkill')[];
  /** ISO 8601. */
  readonly checkedAt: string;
}
