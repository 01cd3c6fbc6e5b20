/**
 * Small building blocks for the IPC contract's schemas. Requests are strict (an unknown key is a caller bug) and every
 * string and list is bounded, so a confused or hostile page cannot make main chew on megabytes. Responses are plain
 * objects (unknown keys stripped) with read-only lists, so a service's readonly arrays type-check against them.
 *
 * Imports zod and nothing from electron/services: the renderer type-checks this file (through client.ts) without
 * Node types.
 */
import { z } from 'zod';

export interface ChannelSpec<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly request: Req;
  readonly response: Res;
}

export function channel<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res): ChannelSpec<Req, Res> {
  return { request, response };
}

/** For channels that take no argument: `invoke('app:info')`. */
export const NoRequest = z.undefined();

/** A read-only list in a response. */
export function list<T extends z.ZodType>(item: T) {
  return z.array(item).readonly();
}

/** A bounded list in a request. */
export function boundedList<T extends z.ZodType>(item: T, max: number) {
  return z.array(item).max(max).readonly();
}

/** Plan ids (custodians, witnesses): core/policy's ID_PATTERN. */
export const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);

/** A short human text (reasons, labels). */
export const ShortText = z.string().min(1).max(1000);

/** A file-system path chosen by the person (absolute; main checks it further when it uses it). */
export const PathText = z.string().min(1).max(4096);

export const Hex64 = z.string().regex(/^[0-9a-fA-F]{64}$/);

export const FingerprintSchema = z.object({ hex: z.string(), display: z.string() });

/** Non-secret facts of an error, as KeyshardError.details. */
export const DetailsSchema = z.record(z.string(), z.unknown());
