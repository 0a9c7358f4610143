// The namespace import lets the bundler keep only the parts of zod in use (the `z` export pulls in all of it).
import * as z from 'zod';

export const healthSchema = z.object({ status: z.literal('ok'), time: z.string() });
export const openApiDocumentSchema = z.record(z.string(), z.unknown()).meta({ description: 'An OpenAPI 3.1 document.' });

/** The files of the API reference page besides the page itself (`GET /docs/{asset}`). */
export const API_REFERENCE_ASSETS = ['swagger-ui-bundle.js', 'swagger-ui.css', 'init.js'] as const;
export const apiReferenceAssetParamsSchema = z.object({ asset: z.string().max(64) });
export const textBodySchema = z.string();
