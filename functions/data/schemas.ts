import { z } from 'zod';
import { idSchema } from '../core/http/common-schemas';
import { roleSchema } from '../core/roles';

/**
 * Schemas of the data API (Clarity v2 compatible). Objects are not strict: Clarity v2 clients
 * send options this API may not implement, and unknown fields are ignored (contract section 4).
 */

export const orgQuerySchema = z.object({ org: idSchema('org') });

export const orgAnnotationsSchema = z.object({
  name: z.string(),
  group: z.string().optional(),
  tags: z.array(z.string()),
});

export const v2DatasourceListSchema = z.object({
  subscribingOrg: z.string(),
  datasources: z.array(z.object({ datasourceId: z.string(), sourceType: z.string(), orgAnnotations: orgAnnotationsSchema })),
});

export const whoamiSchema = z.object({
  applicationId: z.string(),
  name: z.string(),
  ownerOrgId: z.string(),
  keyId: z.string(),
  orgs: z.array(z.object({ org: z.string(), roles: z.array(roleSchema), datasourceIds: z.array(z.string()).optional() })),
});
