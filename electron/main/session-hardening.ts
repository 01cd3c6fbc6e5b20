import type { Session } from 'electron';
import { APP_SCHEME } from './app-origin';
import { createAppProtocolHandler } from './app-protocol';
import { CONTENT_SECURITY_POLICY } from './csp';
import { decidePermissionCheck, decidePermissionRequest, type CameraGate } from './permissions';
import { decideRequest, describeUrlForLog } from './request-policy';

/**
 * A proxy that cannot be reached (port 9 is "discard" and nothing listens on it), for every scheme and for loopback
 * too (`<-loopback>` removes Chromium's implicit localhost bypass). If a request ever slipped past the request filter
 * it would still go nowhere.
 */
export const DEAD_PROXY = Object.freeze({
  mode: 'fixed_servers' as const,
  proxyRules: 'http=127.0.0.1:9;https=127.0.0.1:9;ftp=127.0.0.1:9;socks=socks5://127.0.0.1:9',
  proxyBypassRules: '<-loopback>',
});

export interface SessionHardeningOptions {
  /** The built renderer directory that app:// serves. */
  rendererDir: string;
  camera: CameraGate;
  devTools: boolean;
  log: (message: string) => void;
}

/**
 * Walls around one session: only app:// (and local data:/blob:) requests, a CSP header on every response, a dead
 * proxy, every permission denied except the gated camera, no device access, no downloads, no spellchecker downloads.
 * Takes the session as a parameter (no `import { session } from 'electron'`) so tests can pass a fake and call the
 * handlers it registered.
 */
export async function applySessionHardening(ses: Session, options: SessionHardeningOptions): Promise<void> {
  const { camera, devTools, log } = options;

  ses.webRequest.onBeforeRequest((details, callback) => {
    const decision = decideRequest(details.url, { devTools });
    if (!decision.allow) log(`request cancelled: ${describeUrlForLog(details.url)} (${decision.reason})`);
    callback({ cancel: !decision.allow });
  });

  // app:// responses already carry the CSP (see app-protocol.ts); this covers any other response that gets this far.
  ses.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') responseHeaders[name] = value;
    }
    responseHeaders['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders });
  });

  ses.setPermissionRequestHandler((webContents, permission, callback, details) => {
    const granted = decidePermissionRequest(
      {
        permission,
        mediaTypes: 'mediaTypes' in details ? details.mediaTypes : undefined,
        requestingUrl: details.requestingUrl,
      },
      camera,
    );
    if (!granted) log(`permission denied: ${permission}`);
    callback(granted);
  });

  ses.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) =>
    decidePermissionCheck({ permission, mediaType: details.mediaType, requestingOrigin }, camera),
  );

  // WebHID / WebUSB / Web Serial: never. HSMs and USB drives are the main process's business.
  ses.setDevicePermissionHandler(() => false);

  ses.on('will-download', (event) => {
    log('download refused');
    event.preventDefault();
  });

  ses.setSpellCheckerEnabled(false);

  ses.protocol.handle(APP_SCHEME, createAppProtocolHandler({ rootDir: options.rendererDir, log }));

  await ses.setProxy(DEAD_PROXY);
}
