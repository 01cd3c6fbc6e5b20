/**
 * A source of cryptographically secure random bytes, injected so that core/ stays pure and tests are deterministic.
 * In the main process pass node:crypto's `randomBytes` (or WebCrypto's getRandomValues); never Math.random.
 * Must return a fresh array of exactly `length` bytes.
 */
export type RandomSource = (length: number) => Uint8Array;
