import { z } from 'zod';
import type { ChannelName } from './channels';
import { ceremonyContract } from './contract-ceremony';
import { devicesContract } from './contract-devices';
import { lifecycleContract } from './contract-lifecycle';
import { extendContract } from './contract-extend';
import { channel, NoRequest, type ChannelSpec } from './contract-kit';
import { recoveryContract } from './contract-recovery';
import { signingContract } from './contract-signing';
import { toolsContract } from './contract-tools';

export { NoRequest, type ChannelSpec } from './contract-kit';

/**
 * The IPC contract: every channel with the schema of its request (checked in main before any service runs) and of
 * its response (checked before anything goes back; unknown keys are stripped, so a service cannot leak a field the
 * contract does not name). Requests are strict objects: an unexpected key is a bug in the caller, not something to
 * ignore.
 *
 * Adding a channel:
 *   1. add its name to CHANNELS in channels.ts,
 *   2. add `'domain:action': channel(RequestSchema, ResponseSchema),` below (or in the domain's contract-*.ts),
 *   3. add its service call to the `services` map in handlers.ts (or the domain's handlers-*.ts).
 *
 * Domains: contract-ceremony.ts (ceremony:*), contract-recovery.ts (recovery:*), contract-tools.ts (transcript:verify,
 * plan:analyze, plan:read-file, usb:list-drives, dialog:choose-file), contract-devices.ts (hsm:*: PKCS#11 modules and tokens). Only the channels in SECRET_BEARING_CHANNELS (below) carry shard or secret
 * material in their responses.
 */

export const AppInfoSchema = z.object({
  name: z.literal('keyshard'),
  version: z.string().min(1),
  platform: z.string().min(1),
  arch: z.string().min(1),
  /** False only in an unpackaged build started with KEYSHARD_DEV=1 (DevTools available). */
  production: z.boolean(),
  /** SHA-256 of the renderer and main bundles (out/build-manifest.json); null when running without a built manifest. */
  build: z.object({ renderer: z.string().regex(/^[0-9a-f]{64}$/), main: z.string().regex(/^[0-9a-f]{64}$/) }).nullable().optional(),
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

export const contract = {
  'app:info': channel(NoRequest, AppInfoSchema),
  'airgap:check': channel(NoRequest, AirGapReportSchema),
  'camera:allow': channel(NoRequest, CameraAllowResponseSchema),
  'camera:release': channel(NoRequest, CameraReleaseResponseSchema),
  'usb:list-drives': toolsContract['usb:list-drives'],
  'transcript:verify': toolsContract['transcript:verify'],
  'plan:analyze': toolsContract['plan:analyze'],
  'plan:read-file': toolsContract['plan:read-file'],
  'dialog:choose-file': toolsContract['dialog:choose-file'],
  ...devicesContract,
  ...ceremonyContract,
  ...recoveryContract,
  ...lifecycleContract,
  ...extendContract,
  ...signingContract,
} as const satisfies { readonly [K in ChannelName]: ChannelSpec };

/**
 * The only channels whose answer may carry shard or secret material: the current custodian's shard for display, and
 * the recovered secret when the person asked to see or save it. Every other answer must hold none (test/ipc checks).
 */
export const SECRET_BEARING_CHANNELS: readonly ChannelName[] = ['ceremony:handoff', 'ceremony:current-handoff', 'recovery:export', 'lifecycle:handoff', 'extend:handoff'];

export type Contract = typeof contract;
/** What the renderer passes. */
export type RequestOf<K extends ChannelName> = z.input<Contract[K]['request']>;
/** What a service receives after validation. */
export type ParsedRequestOf<K extends ChannelName> = z.output<Contract[K]['request']>;
/** What a service may return (before validation). */
export type ServiceResultOf<K extends ChannelName> = z.input<Contract[K]['response']>;
/** What the renderer receives inside `{ ok: true, value }`. */
export type ResponseOf<K extends ChannelName> = z.output<Contract[K]['response']>;
