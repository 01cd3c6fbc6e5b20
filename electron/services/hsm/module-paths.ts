/**
 * Where the usual PKCS#11 modules live, so an error about a wrong --module path can suggest the right one.
 * Paths are those of Debian/Ubuntu packages on x86_64; other systems put the same file names elsewhere.
 */
export interface KnownModule {
  readonly name: string;
  readonly path: string;
  readonly note: string;
}

export const COMMON_MODULE_PATHS: readonly KnownModule[] = [
  { name: 'SoftHSM2', path: '/usr/lib/softhsm/libsofthsm2.so', note: 'Debian package softhsm2 (software token, for tests and rehearsals)' },
  { name: 'OpenSC', path: '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so', note: 'Debian package opensc: smart cards, YubiKey PIV, Nitrokey HSM / Pro / Start' },
  { name: 'YubiHSM 2', path: 'yubihsm_pkcs11.so', note: 'from the YubiHSM SDK (yubihsm-shell); needs yubihsm_pkcs11.conf and the yubihsm-connector' },
  { name: 'Nitrokey HSM', path: '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so', note: 'Nitrokey HSM 2 and Nitrokey Pro/Start work through OpenSC' },
];

/** One line per known module, for error messages and `--help`. */
export function moduleSuggestions(): string {
  return COMMON_MODULE_PATHS.map((m) => `${m.name}: ${m.path} (${m.note})`).join('; ');
}
