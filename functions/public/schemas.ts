import { z } from 'zod';

export const healthSchema = z.object({ status: z.literal('ok'), time: z.string() });
export const openApiDocumentSchema = z.record(z.string(), z.unknown()).meta({ description: 'An OpenAPI 3.1 document.' });
