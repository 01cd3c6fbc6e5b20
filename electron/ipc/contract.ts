import { z } from 'zod';
import type { ChannelName } from './channels';

/**
 * The IPC contract: every channel with the schema of its request (checked in main before any service runs) and of
 * its response (checked before anything goes back; unknown keys are stripped, so a service cannot leak a field the
 * contract does not name). Requests are strict objects: an unexpected key is a bug in the caller, not something to
 * ignore.
 *
 * Adding a channel (e.g. the ceremony's):
 *   1. add its name to CHANNELS in channels.ts,
 *   2. add `'domain:action': channel(RequestSchema, ResponseSchema),` below,
 *   3. add its service call to the `services` map in handlers.ts.
 */

/** For channels that take no argument: `invoke('app:info')`. */
export const NoRequest = z.undefined();

export const AppInfoSchema = z.object({
  name: z.literal('keyshard'),
  version: z.string().min(1),
  platform: z.string().min(1),
  arch: z.string().min(1),
  /** False only in an unpackaged build started with KEYSHARD_DEV=1 (DevTools available). */
  production: z.boolean(),
});

const InterfaceKindSchema = z.enum(['loopback', 'ethernet', 'wireless', 'bridge', 'tunnel', 'virtual', 'other']);

export const AirGapReportSchema = z.object({
  ok: z.boolean(),
  interfaces: z.array(
    z.object({
      name: z.string(),
      kind: InterfaceKindSchema,
      up: z.boolean(),
      addresses: z.array(z.string()).readonly(),
      operstate: z.string().optional(),
    }),
  ).readonly(),
  radios: z.array(
    z.object({
      name: z.string(),
      label: z.string().optional(),
      type: z.enum(['wlan', 'bluetooth', 'wwan', 'nfc', 'gps', 'fm', 'uwb', 'other']),
      softBlocked: z.boolean(),
      hardBlocked: z.boolean(),
    }),
  ).readonly(),
  problems: z.array(z.object({ kind: z.enum(['interface', 'radio']), name: z.string(), message: z.string() })).readonly(),
  sources: z.array(z.enum(['os', 'sysfs', 'rfkill'])).readonly(),
  checkedAt: z.iso.datetime(),
});

export const CameraAllowResponseSchema = z.object({
  allowed: z.literal(true),
  /** When the grant lapses by itself (ISO 8601); the scan screen should release earlier. */
  expiresAt: z.iso.datetime(),
});

export const CameraReleaseResponseSchema = z.object({ allowed: z.literal(false) });

export interface ChannelSpec<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly request: Req;
  readonly response: Res;
}

function channel<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res): ChannelSpec<Req, Res> {
  return { request, response };
}

export const contract = {
  'app:info': channel(NoRequest, AppInfoSchema),
  'airgap:check': channel(NoRequest, AirGapReportSchema),
  'camera:allow': channel(NoRequest, CameraAllowResponseSchema),
  'camera:release': channel(NoRequest, CameraReleaseResponseSchema),
} as const satisfies { readonly [K in ChannelName]: ChannelSpec };

export type Contract = typeof contract;
/** What the renderer passes. */
export type RequestOf<K extends ChannelName> = z.input<Contract[K]['request']>;
/** What a service receives after validation. */
export type ParsedRequestOf<K extends ChannelName> = z.output<Contract[K]['request']>;
/** What a service may return (before validation). */
export type ServiceResultOf<K extends ChannelName> = z.input<Contract[K]['response']>;
/** What the renderer receives inside `{ ok: true, value }`. */
export type ResponseOf<K extends ChannelName> = z.output<Contract[K]['response']>;
