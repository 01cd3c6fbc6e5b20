/**
 * BIP-39 wallets on the command line: the helpers live in core/bip39.ts, shared with the app (its import step and
 * recovery result), so both derive the same wallet fingerprint and mnemonic.
 */
export { bip39Entropy, bip39Identity, bip39Mnemonic } from '../../core/bip39';
