import type { z } from 'zod';
import { isKeyshardError } from '../../core/errors';
import type { CameraGate } from '../main/permissions';
import type { AirGapReport } from '../services/airgap/types';
import type { LifecycleService } from '../services/lifecycle/types';
import type { ExtendService } from '../services/extend/index';
import type { RecoveryService } from '../services/recovery/types';
import type { RemovableDrive } from '../services/usb/types';
import type { CeremonyHost } from './ceremony-host';
import type { HsmHost } from './hsm-host';
import { CHANNELS, type ChannelName } from './channels';
import { contract, type ParsedRequestOf, type ResponseOf, type ServiceResultOf } from './contract';
import { ceremonyServices, deviceServices, dialogServices, recoveryServices, toolServices, type ChooseFile } from './handlers-domains';
import { signingServices, type SigningHost } from './handlers-signing';
import { lifecycleServices } from './handlers-lifecycle';
import { extendServices } from './handlers-extend';
import { confineToChosenFiles, createChosenFiles } from './chosen-files';
import { errorResult, okResult, type IpcResult } from './result';

/** What the handlers need from the world. Main passes real services; tests pass fakes. */
export interface IpcDeps {
  appInfo: () => ServiceResultOf<'app:info'>;
  checkAirGap: () => Promise<AirGapReport>;
  camera: CameraGate;
  /** The ceremony (one service per ceremony folder). Without it the ceremony:* channels answer INTERNAL. */
  ceremony?: CeremonyHost;
  /** The recovery session. Without it the recovery:* channels answer INTERNAL. */
  recovery?: RecoveryService;
  /** Threshold signing and custody checks (signing:*, signer:*, custody:*). Without it those channels answer INTERNAL. */
  signing?: SigningHost;
  /** Refresh and repair ceremonies (lifecycle:*). Without it those channels answer INTERNAL. */
  lifecycle?: LifecycleService;
  /** SLIP-39 share extension (extend:*). Without it those channels answer INTERNAL. */
  extend?: ExtendService;
  /** The PKCS#11 module and its tokens (hsm:*). Without it the hsm:* channels answer INTERNAL. */
  hsm?: HsmHost;
  /** Removable drives for USB handoffs (electron/services/usb). Default: none. */
  listDrives?: () => Promise<readonly RemovableDrive[]>;
  /** Main's own file dialog (dialog:choose-file). Without it that channel answers INTERNAL. */
  chooseFile?: ChooseFile;
  /** Non-secret diagnostics (channel names, error class names). */
  log?: (message: string) => void;
}

/** One async function per channel: takes the raw (untrusted) request, always resolves to an envelope. */
export type IpcHandlers = { readonly [K in ChannelName]: (request: unknown) => Promise<IpcResult<ResponseOf<K>>> };

type Services = { readonly [K in ChannelName]: (request: ParsedRequestOf<K>) => ServiceResultOf<K> | Promise<ServiceResultOf<K>> };

/** Where a schema failed, by path and issue code only: the input itself may be secret and is never echoed. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(request)'}: ${issue.code}`)
    .join('; ');
}

export const INTERNAL_MESSAGE =
  'Something unexpected went wrong in keyshard while doing this. Nothing was shown or saved from it. Try again; if it keeps happening, restart keyshard and report it.';

/**
 * Zeroes every byte array in a request or an answer (shards cross as bytes: issue 16.3): a request's once its call is
 * over, answered or refused; an answer's once the transport has copied it (register.ts). They are small trees of
 * plain objects and arrays; the depth is bounded all the same.
 */
export function wipeBytesIn(value: unknown, depth = 0): void {
  if (depth > 8 || typeof value !== 'object' || value === null) return;
  if (value instanceof Uint8Array) {
    value.fill(0);
    return;
  }
  for (const v of Array.isArray(value) ? value : Object.values(value)) wipeBytesIn(v, depth + 1);
}

function wrap<K extends ChannelName>(name: K, service: Services[K], log: (m: string) => void): IpcHandlers[K] {
  const inner = answer(name, service, log);
  return (async (raw: unknown) => {
    try {
      return await inner(raw);
    } finally {
      wipeBytesIn(raw);
    }
  }) as IpcHandlers[K];
}

function answer<K extends ChannelName>(name: K, service: Services[K], log: (m: string) => void): (raw: unknown) => Promise<unknown> {
  const spec = contract[name];
  return (async (raw: unknown) => {
    const parsedRequest = spec.request.safeParse(raw);
    if (!parsedRequest.success) {
      return errorResult('INVALID_ARGUMENT', `The request to ${name} was not valid (${describeIssues(parsedRequest.error)}). This is a bug in the screen that sent it.`);
    }
    let value: unknown;
    try {
      value = await (service as (r: unknown) => unknown)(parsedRequest.data);
    } catch (e) {
      if (isKeyshardError(e)) return errorResult(e.code, e.message, e.details);
      // Unknown errors may carry text built from secret input: log the class only, answer with a fixed message.
      log(`${name}: unexpected ${e instanceof Error ? e.name : typeof e}`);
      return errorResult('INTERNAL', INTERNAL_MESSAGE);
    }
    const parsedResponse = spec.response.safeParse(value);
    if (!parsedResponse.success) {
      log(`${name}: response failed its schema (${describeIssues(parsedResponse.error)})`);
      return errorResult('INTERNAL', INTERNAL_MESSAGE);
    }
    return okResult(parsedResponse.data);
  });
}

export function createIpcHandlers(deps: IpcDeps): IpcHandlers {
  const log = deps.log ?? (() => {});
  // The files main's own dialog gave this window: the only paths the channels that read or write a file accept.
  const chosenFiles = createChosenFiles();
  const services: Services = confineToChosenFiles<Services>({
    'app:info': () => deps.appInfo(),
    'airgap:check': () => deps.checkAirGap(),
    'camera:allow': () => ({ allowed: true, expiresAt: deps.camera.allow().toISOString() }),
    'camera:release': () => {
      deps.camera.release();
      return { allowed: false };
    },
    ...toolServices(deps.listDrives),
    ...dialogServices(deps.chooseFile, chosenFiles),
    ...deviceServices(deps.hsm),
    ...ceremonyServices(deps.ceremony),
    ...recoveryServices(deps.recovery),
    ...lifecycleServices(deps.lifecycle),
    ...extendServices(deps.extend),
    ...signingServices(deps.signing),
  }, chosenFiles, async (path) => deps.hsm !== undefined && (await deps.hsm.suggestedModules()).modules.some((m) => m.path === path));
  const handlers: Partial<Record<ChannelName, unknown>> = {};
  for (const name of CHANNELS) handlers[name] = wrap(name, services[name], log);
  return Object.freeze(handlers) as IpcHandlers;
}
