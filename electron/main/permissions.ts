import { APP_ORIGIN, isAppUrl } from './app-origin';

/**
 * Permission decisions for the renderer. Everything is denied except the camera (video only, never the microphone),
 * and the camera only between a scan screen's `camera:allow` and its `camera:release` (or until the grant expires,
 * so a screen that forgets to release does not leave the camera open for the rest of the ceremony).
 */
export interface CameraGate {
  /** Opens the gate; returns when it closes by itself. */
  allow(): Date;
  release(): void;
  isAllowed(): boolean;
}

export const CAMERA_GRANT_MS = 10 * 60 * 1000;

export function createCameraGate(options: { now?: () => number; maxMs?: number } = {}): CameraGate {
  const now = options.now ?? Date.now;
  const maxMs = options.maxMs ?? CAMERA_GRANT_MS;
  let until = 0;
  return {
    allow() {
      until = now() + maxMs;
      return new Date(until);
    },
    release() {
      until = 0;
    },
    isAllowed() {
      return now() < until;
    },
  };
}

/** The details Electron passes with a permission request, reduced to what the decision reads. */
export interface PermissionRequestFacts {
  readonly permission: string;
  /** For 'media': the kinds requested ('video', 'audio'). */
  readonly mediaTypes?: readonly string[] | undefined;
  /** The URL of the frame asking (Electron: details.requestingUrl). */
  readonly requestingUrl?: string | undefined;
}

function fromOurOrigin(url: string | undefined): boolean {
  return url !== undefined && (url === APP_ORIGIN || isAppUrl(url));
}

/** setPermissionRequestHandler: grant only a video-only media request from our page while the camera gate is open. */
export function decidePermissionRequest(facts: PermissionRequestFacts, camera: CameraGate): boolean {
  if (facts.permission !== 'media') return false;
  const types = facts.mediaTypes ?? [];
  if (types.length === 0 || !types.every((t) => t === 'video')) return false;
  return fromOurOrigin(facts.requestingUrl) && camera.isAllowed();
}

export interface PermissionCheckFacts {
  readonly permission: string;
  /** For 'media': 'video' | 'audio' | 'unknown'. */
  readonly mediaType?: string | undefined;
  readonly requestingOrigin: string;
}

/** setPermissionCheckHandler: the synchronous "is it granted already?" question, answered the same way. */
export function decidePermissionCheck(facts: PermissionCheckFacts, camera: CameraGate): boolean {
  if (facts.permission !== 'media' || facts.mediaType !== 'video') return false;
  return fromOurOrigin(facts.requestingOrigin) && camera.isAllowed();
}
