/**
 * Opening the camera, with every failure turned into what a person can act on. The page asks main to open its
 * camera gate first (camera:allow); in the plain-browser test harness that call may fail and is ignored.
 */
import type { ErrorInfo } from '../components/errors';
import { t } from '../i18n/translate';

export class CameraProblem extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
    this.name = 'CameraProblem';
  }
}

type Problem = 'unsupported' | 'denied' | 'absent' | 'busy' | 'decoder' | 'stalled';
const CODES: Readonly<Record<Problem, string>> = {
  unsupported: 'CAMERA_UNSUPPORTED',
  denied: 'CAMERA_DENIED',
  absent: 'CAMERA_ABSENT',
  busy: 'CAMERA_BUSY',
  decoder: 'DECODER_FAILED',
  stalled: 'DECODER_STALLED',
};

function problem(p: Problem): ErrorInfo {
  return { code: CODES[p], message: t(`cameraProblem.${p}`), todo: t(`cameraProblem.${p}.todo`) };
}

/** Each problem in the language chosen when it happens (read at that moment, not when this module loads). */
export const CAMERA_PROBLEMS: { readonly [P in Problem]: ErrorInfo } = {
  get unsupported() {
    return problem('unsupported');
  },
  get denied() {
    return problem('denied');
  },
  get absent() {
    return problem('absent');
  },
  get busy() {
    return problem('busy');
  },
  get decoder() {
    return problem('decoder');
  },
  get stalled() {
    return problem('stalled');
  },
};

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
