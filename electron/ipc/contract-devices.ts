/**
 * The PKCS#11 channels (hsm:*): which modules this machine has, which one the ceremony uses, and the tokens a module
 * sees with what each can do for keyshard. None of them takes or gives a PIN: listing tokens needs no login, and PINs
 * travel only in the ceremony requests that use a token (see contract-ceremony.ts, `Pin`).
 *
 * A module is a native library main loads into itself, so its path is checked in main before it is opened: a library
 * file in a system library folder, owned by root, not on a removable drive or disk image, loaded through the very file
 * that was checked (electron/services/hsm/module-trust.ts).
 */
import { z } from 'zod';
import { NoRequest, PathText, channel, list } from './contract-kit';

// ---------------------------------------------------------------------------------------------------------------
// Requests

const ListTokensRequestSchema = z
  .strictObject({
    /** Default: the module chosen with hsm:select-module (or found on this machine). */
    modulePath: PathText.optional(),
  })
  .optional();

const SelectModuleRequestSchema = z.strictObject({ modulePath: PathText });

// ---------------------------------------------------------------------------------------------------------------
// Responses

const CapabilityIdSchema = z.enum(['random', 'ec-p256-keygen', 'ecdh-derive', 'aes-gcm', 'ecdsa', 'data-objects']);

export const ModuleInfoSchema = z.object({
  path: z.string(),
  description: z.string(),
  manufacturer: z.string(),
  libraryVersion: z.string(),
  cryptokiVersion: z.string(),
});

const TokenSchema = z.object({
  label: z.string(),
  serial: z.string(),
  manufacturer: z.string(),
  model: z.string(),
  loginRequired: z.boolean(),
  initialized: z.boolean(),
  userPinInitialized: z.boolean(),
  writeProtected: z.boolean(),
  pinCountLow: z.boolean(),
  pinFinalTry: z.boolean(),
  pinLocked: z.boolean(),
  minPinLength: z.number(),
  maxPinLength: z.number(),
  /** Every capability keyshard may use, with whether this token offers it (and why not). */
  capabilities: list(
    z.object({ id: CapabilityIdSchema, label: z.string(), available: z.boolean(), mechanism: z.string().optional(), note: z.string().optional() }),
  ),
  has: list(CapabilityIdSchema),
  lacks: list(CapabilityIdSchema),
  /** What this token can be used for in a ceremony, judged from its capabilities and PIN state. */
  usableFor: z.object({ custodian: z.boolean(), entropy: z.boolean(), witness: z.boolean() }),
});

const SlotSchema = z.object({
  slotId: z.string(),
  description: z.string(),
  manufacturer: z.string(),
  tokenPresent: z.boolean(),
  removableDevice: z.boolean(),
  token: TokenSchema.nullable(),
  tokenError: z.object({ code: z.string(), message: z.string() }).optional(),
});

const ListTokensResponseSchema = z.object({ module: ModuleInfoSchema, slots: list(SlotSchema) });

const KnownModuleSchema = z.object({ name: z.string(), path: z.string(), note: z.string() });

const SuggestedModulesResponseSchema = z.object({
  /** The usual modules whose file exists on this machine. */
  modules: list(KnownModuleSchema),
  /** The module the ceremony uses now (null: none chosen and none found). */
  selected: z.string().nullable(),
});

const SelectModuleResponseSchema = z.object({ selected: z.string(), module: ModuleInfoSchema });

export const devicesContract = {
  'hsm:list-tokens': channel(ListTokensRequestSchema, ListTokensResponseSchema),
  'hsm:suggested-modules': channel(NoRequest, SuggestedModulesResponseSchema),
  'hsm:select-module': channel(SelectModuleRequestSchema, SelectModuleResponseSchema),
} as const;
