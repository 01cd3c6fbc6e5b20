/**
 * Opening the camera, with every failure turned into what a person can act on. The page asks main to open its
 * camera gate first (camera:allow); in the plain-browser test harness that call may fail and is ignored.
 */
import type { ErrorInfo } from '../components/errors';

export class CameraProblem extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
    this.name = 'CameraProblem';
  }
}

export const CAMERA_PROBLEMS = {
  unsupported: {
    code: 'CAMERA_UNSUPPORTED',
    message: 'This window cannot use a camera.',
    todo: 'Use the keyshard app on the ceremony machine, or enter the shard by hand instead.',
  },
  denied: {
    code: 'CAMERA_DENIED',
    message: 'keyshard was not allowed to use the camera.',
    todo: 'Allow the camera when the system asks (check that no privacy switch or setting blocks it), then press "Try the camera again".',
  },
  absent: {
    code: 'CAMERA_ABSENT',
    message: 'No camera was found on this machine.',
    todo: 'Plug in a USB camera (or open the laptop lid), wait a few seconds, then press "Try the camera again".',
  },
  busy: {
    code: 'CAMERA_BUSY',
    message: 'The camera is in use by another program, or it failed to start.',
    todo: 'Close other programs that use the camera, unplug and plug it in again, then press "Try the camera again".',
  },
  decoder: {
    code: 'DECODER_FAILED',
    message: 'The QR decoder in this window did not start.',
    todo: 'Restart keyshard. If it happens again, tell the ceremony lead the code shown here.',
  },
  stalled: {
    code: 'DECODER_STALLED',
    message: 'The QR decoder stopped answering.',
    todo: 'Press "Try the camera again". If it happens again, restart keyshard.',
  },
} as const satisfies Record<string, ErrorInfo>;

export function classifyCameraError(e: unknown): ErrorInfo {
  const name = typeof e === 'object' && e !== null && 'name' in e ? String((e as { name: unknown }).name) : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
      return CAMERA_PROBLEMS.denied;
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return CAMERA_PROBLEMS.absent;
    default:
      return CAMERA_PROBLEMS.busy;
  }
}

export async function openCamera(): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new CameraProblem(CAMERA_PROBLEMS.unsupported);
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { width: { ideal: 1280 }, height: { ideal: 720 }, facingMode: 'environment' },
    });
  } catch (e) {
    throw new CameraProblem(classifyCameraError(e));
  }
}

export function stopStream(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
