// The namespace import lets the bundler keep only the parts of zod in use (the `z` export pulls in all of it).
import * as z from 'zod';
import { MAX_LEAKED_KEY_CANDIDATES } from '../core/limits';

export const healthSchema = z.object({ status: z.literal('ok'), time: z.string() });
export const openApiDocumentSchema = z.record(z.string(), z.unknown()).meta({ description: 'An OpenAPI 3.1 document.' });

/** The files of the API reference page besides the page itself (`GET /docs/{asset}`). */
export const API_REFERENCE_ASSETS = ['swagger-ui-bundle.js', 'swagger-ui.css', 'init.js'] as const;
export const apiReferenceAssetParamsSchema = z.object({ asset: z.string().max(64) });
export const textBodySchema = z.string();
/** One candidate of a secret scanner's report, in GitHub's secret scanning partner programme format. */
export const leakedKeyCandidateSchema = z.object({
  token: z.string().max(1000).meta({ description: 'The string the scanner found.' }),
  type: z.string().max(200).meta({ description: 'The pattern that matched, as the scanner names it.' }),
  url: z.string().max(2000).optional().meta({ description: 'Where it was found.' }),
  source: z
    .string()
    .max(100)
    .optional()
    .meta({ description: 'What kind of place it was found in (content, commit, issue, npm, ...).' }),
});

export const leakedKeyReportSchema = z
  .array(leakedKeyCandidateSchema)
  .min(1)
  .max(MAX_LEAKED_KEY_CANDIDATES)
  .meta({ description: 'A JSON array of candidates; the raw body is what the signature covers.' });

export const leakedKeyVerdictsSchema = z.array(
  z.object({
    token_raw: z.string(),
    token_type: z.string(),
    label: z.enum(['true_positive', 'false_positive']),
  }),
);
