/**
 * Development vs production. Development (DevTools, reload in the menu) needs both an unpackaged app and an explicit
 * KEYSHARD_DEV=1, so an environment variable can never open DevTools on an installed copy.
 */
export interface RuntimeMode {
  readonly production: boolean;
  readonly devTools: boolean;
}

export function runtimeMode(input: { isPackaged: boolean; env: Readonly<Record<string, string | undefined>> }): RuntimeMode {
  const development = !input.isPackaged && input.env['KEYSHARD_DEV'] === '1';
  return Object.freeze({ production: !development, devTools: development });
}
