// What a team server may send back, checked before main believes it: the answer envelope every /api route uses,
// the session answer, and the events of its stream. A server that answers anything else (a proxy's HTML error page,
// another program on that port, a hostile server) is reported as such instead of reaching the renderer half-parsed.
// Method results are passed on as the server's JSON: the contract has no result schemas (the renderer shows text
// through Svelte, which escapes it); the request side is validated by the contract's own parameter schemas.
import { z } from 'zod';
import type { ErrorCode } from '../../core/contract/errors.js';
import type { WorkbenchEvent } from '../../core/contract/events.js';
import { ROLES, type Role } from '../../core/contract/roles.js';

const ERROR_CODES = [
  'invalid',
  'unknown-method',
  'not-found',
  'conflict',
  'forbidden',
  'unauthorized',
  'failed',
] as const satisfies readonly ErrorCode[];

export const errorPayloadSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string().max(10_000),
  field: z.string().max(1000).optional(),
  detail: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

export const outcomeSchema = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: errorPayloadSchema }),
]);

const userSchema = z.object({
  name: z.string().min(1).max(64),
  role: z.enum(ROLES as readonly Role[] as [Role, ...Role[]]),
});

export const teamSessionSchema = z.object({
  team: z.literal(true),
  user: userSchema.nullable(),
  csrf: z.string().max(200).optional(),
});

const id = z.number().int().nonnegative();
// Job details are the server's to describe; the shape the UI keys on (id, kind, state, counts) is checked.
const jobSchema = z.looseObject({
  id: z.string().max(200),
  kind: z.enum(['preannotate', 'fine-tune', 'train']),
  state: z.string().max(50),
  done: z.number(),
  total: z.number(),
  progress: z.number(),
});

/** The events a remote server may push; a `menu` event is the local window's own and never comes from a server. */
const eventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job.progress'), job: jobSchema, documentId: id.optional() }),
  z.object({ type: z.literal('job.finished'), job: jobSchema }),
  z.object({
    type: z.literal('document.changed'),
    documentId: id,
    revisionId: id.nullable(),
    reason: z.enum(['edit', 'suggestions', 'status']),
  }),
  z.object({ type: z.literal('documents.imported'), projectId: id, count: id }),
  z.object({ type: z.literal('labels.changed'), projectId: id }),
]);

/** The event in one `data:` line of the server's stream, or null when it is not one we know. */
export function parseRemoteEvent(data: string): WorkbenchEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = eventSchema.safeParse(json);
  // The job's extra fields were passed through untouched (looseObject); its typed fields were checked above.
  return parsed.success ? (parsed.data as unknown as WorkbenchEvent) : null;
}
