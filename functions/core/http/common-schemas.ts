import { z } from 'zod';
import { idPattern, type IdKind } from '../ids';

/** An id of the server's own shape; anything else never reaches the database. */
export const idSchema = (kind: IdKind) =>
  z
    .string()
    .regex(new RegExp(idPattern(kind)), `Not a valid ${kind} id.`)
    .meta({ description: `A server-issued ${kind} id.` });

/** The contract's error body (section 4). */
export const errorBodySchema = z
  .object({
    message: z.string(),
    code: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Paging for listings (an extension: `limit` and an opaque `nextToken`). */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  nextToken: z.string().min(1).max(4096).optional(),
});

export const isoTimeSchema = z.iso.datetime({ offset: true });
