import * as z from '../platform/zod';
import { MAX_LEAKED_KEY_CANDIDATES } from '../platform/limits';

export const healthSchema = z.object({
  status: z.literal('ok'),
  ready: z.boolean().check(
    z.meta({
      description:
        'True when the API is ready for work. Always, deployed; `npm start` answers false while it writes the demo data of a first start (the banner says when it is done).',
    }),
  ),
  message: z.optional(z.string()).check(z.meta({ description: 'Why the API is not ready yet.' })),
  time: z.string(),
});
export const openApiDocumentSchema = z.record(z.string(), z.unknown()).check(z.meta({ description: 'An OpenAPI 3.1 document.' }));

/** The files of the API reference page besides the page itself (`GET /docs/{asset}`). */
export const API_REFERENCE_ASSETS = ['swagger-ui-bundle.js', 'swagger-ui.css', 'init.js'] as const;
export const apiReferenceAssetParamsSchema = z.object({ asset: z.string().check(z.maxLength(64)) });
export const textBodySchema = z.string();
/** One candidate of a secret scanner's report, in GitHub's secret scanning partner programme format. */
export const leakedKeyCandidateSchema = z.object({
  token: z.string().check(z.maxLength(1000), z.meta({ description: 'The string the scanner found.' })),
  type: z.string().check(z.maxLength(200), z.meta({ description: 'The pattern that matched, as the scanner names it.' })),
  url: z.optional(z.string().check(z.maxLength(2000))).check(z.meta({ description: 'Where it was found.' })),
  source: z
    .optional(z.string().check(z.maxLength(100)))
    .check(z.meta({ description: 'What kind of place it was found in (content, commit, issue, npm, ...).' })),
});

export const leakedKeyReportSchema = z
  .array(leakedKeyCandidateSchema)
  .check(
    z.minLength(1),
    z.maxLength(MAX_LEAKED_KEY_CANDIDATES),
    z.meta({ description: 'A JSON array of candidates; the raw body is what the signature covers.' }),
  );

export const leakedKeyVerdictsSchema = z.array(
  z.object({
    token_raw: z.string(),
    token_type: z.string(),
    label: z.enum(['true_positive', 'false_positive']),
  }),
);
