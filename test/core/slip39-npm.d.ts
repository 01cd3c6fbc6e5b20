/** Types for the parts of the `slip39` npm package (ilap/slip39-js, no bundled types) that the differential tests use. */
declare module 'slip39' {
  interface Slip39Node {
    readonly mnemonics: string[];
  }
  interface Slip39Instance {
    fromPath(path: string): Slip39Node;
  }
  interface Slip39Options {
    passphrase?: string;
    threshold?: number;
    groups?: [number, number, string?][];
    iterationExponent?: number;
    extendableBackupFlag?: 0 | 1;
    title?: string;
  }
  const Slip39: {
    fromArray(masterSecret: number[], options?: Slip39Options): Slip39Instance;
    recoverSecret(mnemonics: string[], passphrase?: string): number[];
    validateMnemonic(mnemonic: string): boolean;
  };
  export default Slip39;
}
