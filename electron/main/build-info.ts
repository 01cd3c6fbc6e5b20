/**
 * Facts fixed at build time by build/build-electron.mjs (esbuild `define`). When the sources run unbundled (tests),
 * the identifiers do not exist and the fallbacks apply.
 */
declare const __KEYSHARD_VERSION__: string;

export const KEYSHARD_VERSION: string = typeof __KEYSHARD_VERSION__ === 'string' ? __KEYSHARD_VERSION__ : '0.0.0-dev';
