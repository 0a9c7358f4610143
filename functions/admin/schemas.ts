// The namespace import lets the bundler keep only the parts of zod in use (the `z` export pulls in all of it).
import * as z from 'zod';
import {
  applicationLimitsSchema,
  datasourceAnnotationFields,
  idSchema,
  isoTimeSchema,
  nameSchema,
  pageQuerySchema,
  storableNumberSchema,
  tagsSchema,
} from '../core/http/common-schemas';
import { roleSchema, rolesSchema } from '../core/roles';

/**
 * Schemas of the admin API. Bodies are strict: a field the route does not know is 400, so a
 * typo such as `role` for `roles` never passes silently (contract section 4).
 */

export const orgParamsSchema = z.object({ orgId: idSchema('org') });
export const applicationParamsSchema = orgParamsSchema.extend({ applicationId: idSchema('application') });

export const createOrgBodySchema = z.strictObject({ name: nameSchema });
export type CreateOrgBody = z.infer<typeof createOrgBodySchema>;

export const orgSchema = z.object({ orgId: z.string(), name: z.string(), createdAt: isoTimeSchema }).meta({ id: 'Org' });
export const orgListSchema = z.object({
  orgs: z.array(z.object({ orgId: z.string(), name: z.string(), roles: z.array(roleSchema) })),
});

export const createApplicationBodySchema = z.strictObject({ name: nameSchema });

export const applicationSchema = z
  .object({
    applicationId: z.string(),
    name: z.string(),
    ownerOrgId: z.string(),
    createdAt: isoTimeSchema,
    createdBy: z.string(),
  })
  .meta({ id: 'Application' });

export const keySchema = z
  .object({
    keyId: z.string(),
    applicationId: z.string(),
    label: z.string().optional(),
    hint: z.string().meta({ description: 'The prefix and the last 4 characters; never the key.' }),
    enabled: z.boolean(),
    createdAt: isoTimeSchema,
    expiresAt: isoTimeSchema.optional(),
    lastUsedAt: isoTimeSchema.optional().meta({ description: 'Last use by the data API, current to within a minute.' }),
    replacedBy: z
      .string()
      .optional()
      .meta({ description: 'Extension: on a regenerated key in its grace period, the successor key id.' }),
    revokedAt: isoTimeSchema.optional().meta({
      description:
        'Extension: when the key was revoked as leaked (by a secret scanner, or by its holder with `POST /v2/keys/revoke`). A revoked key stays disabled: it cannot be enabled again nor its expiry moved (409); regenerate it.',
    }),
  })
  .meta({ id: 'ApiKey' });

export const issuedKeySchema = keySchema
  .extend({ key: z.string().meta({ description: 'The API key in plaintext. Shown in this response only.' }) })
  .meta({ id: 'IssuedApiKey' });

export const createApplicationResponseSchema = z.object({ application: applicationSchema, apiKey: issuedKeySchema });
export const applicationListSchema = z.object({ applications: z.array(applicationSchema), nextToken: z.string().optional() });

export const createConnectionBodySchema = z
  .strictObject({
    applicationId: idSchema('application'),
    roles: rolesSchema,
    datasourceIds: z.array(idSchema('datasource')).max(100).optional(),
  })
  .refine((body) => !body.datasourceIds || body.roles.includes('guest'), {
    message: 'datasourceIds narrows the guest role; include "guest" in roles or leave it out.',
    path: ['datasourceIds'],
  });
export type CreateConnectionBody = z.infer<typeof createConnectionBodySchema>;

export const connectionSchema = z
  .object({
    applicationId: z.string(),
    applicationName: z.string(),
    ownerOrgId: z.string(),
    roles: z.array(roleSchema),
    datasourceIds: z.array(z.string()).optional(),
    connectedAt: isoTimeSchema,
    connectedBy: z.string(),
  })
  .meta({ id: 'Connection' });
export const connectionListSchema = z.object({ connections: z.array(connectionSchema), nextToken: z.string().optional() });

export const locationSchema = z.object({
  lat: storableNumberSchema.min(-90).max(90),
  lon: storableNumberSchema.min(-180).max(180),
});

export const createDatasourceBodySchema = z.strictObject({
  name: nameSchema,
  sourceType: z.string().trim().min(1).max(64).default('CLARITY_NODE'),
  group: z.string().trim().max(200).optional(),
  tags: tagsSchema.default([]),
  location: z.strictObject(locationSchema.shape).optional(),
});
export type CreateDatasourceBody = z.infer<typeof createDatasourceBodySchema>;

export const datasourceSchema = z
  .object({
    datasourceId: z.string(),
    orgId: z.string(),
    sourceType: z.string(),
    name: z.string(),
    group: z.string().optional(),
    tags: z.array(z.string()),
    location: locationSchema.optional(),
    createdAt: isoTimeSchema,
  })
  .meta({ id: 'Datasource' });
export const datasourceListSchema = z.object({ datasources: z.array(datasourceSchema), nextToken: z.string().optional() });

export { pageQuerySchema };

// Orgs

export const updateOrgBodySchema = z.strictObject({ name: nameSchema });

// People

const emailSchema = z.email('Not a valid email address.').max(320);
const guestDatasourcesSchema = z.array(idSchema('datasource')).max(100);
const onlyForGuests = {
  message: 'datasourceIds narrows the guest role; include "guest" in roles or leave it out.',
  path: ['datasourceIds'],
};

export const personParamsSchema = orgParamsSchema.extend({ email: emailSchema });

export const personSchema = z
  .object({
    email: z.string(),
    roles: z.array(roleSchema),
    datasourceIds: z.array(z.string()).optional(),
    status: z.enum(['active', 'pending']),
    addedAt: isoTimeSchema,
  })
  .meta({ id: 'Person' });
export const peopleListSchema = z.object({ people: z.array(personSchema) });

export const invitationListSchema = z.object({
  invitations: z.array(
    z.object({
      orgId: z.string(),
      orgName: z.string(),
      roles: z.array(roleSchema),
      invitedAt: isoTimeSchema,
      invitedBy: z.string(),
    }),
  ),
});

export const invitePersonBodySchema = z
  .strictObject({ email: emailSchema, roles: rolesSchema, datasourceIds: guestDatasourcesSchema.optional() })
  .refine((body) => !body.datasourceIds || body.roles.includes('guest'), onlyForGuests);

export const updatePersonBodySchema = z
  .strictObject({ roles: rolesSchema, datasourceIds: guestDatasourcesSchema.optional() })
  .refine((body) => !body.datasourceIds || body.roles.includes('guest'), onlyForGuests);

// Applications and keys

export const updateApplicationBodySchema = z.strictObject({ name: nameSchema });

export const applicationDetailSchema = applicationSchema
  .extend({
    keys: z.array(keySchema),
    connections: z.array(
      z.object({
        orgId: z.string(),
        orgName: z.string(),
        roles: z.array(roleSchema),
        datasourceIds: z.array(z.string()).optional(),
        connectedAt: isoTimeSchema,
        connectedBy: z.string(),
      }),
    ),
    limits: applicationLimitsSchema,
    limitsAreDefaults: z.boolean().meta({
      description:
        "Extension (contract section 7): true while no admin has set this application's limits, so `limits` are the deployment's defaults.",
    }),
  })
  .meta({ id: 'ApplicationDetail' });

export const keyParamsSchema = applicationParamsSchema.extend({ keyId: idSchema('key') });
export const keyListSchema = z.object({ keys: z.array(keySchema) });

const labelSchema = z.string().trim().max(100);

export const createKeyBodySchema = z.strictObject({
  label: labelSchema.optional(),
  expiresAt: isoTimeSchema.optional().meta({ description: 'When the key stops working; must be in the future.' }),
});

export const regenerateKeyBodySchema = z.strictObject({
  graceSeconds: z
    .number()
    .int()
    .min(0)
    .max(604800)
    .default(0)
    .meta({ description: 'How long the old key keeps working: 0 (default) stops it now; at most 7 days.' }),
});

export const updateKeyBodySchema = z
  .strictObject({
    enabled: z.boolean().optional(),
    label: labelSchema.optional(),
    expiresAt: isoTimeSchema.nullable().optional().meta({
      description:
        'Extension: a new expiry (in the future), or null to remove it. A regenerated key in its grace period can have its expiry moved, not removed (409).',
    }),
  })
  .refine((body) => body.enabled !== undefined || body.label !== undefined || body.expiresAt !== undefined, {
    message: 'Send enabled, label, expiresAt or a combination.',
  });

// Connections

export const connectionParamsSchema = applicationParamsSchema;

export const updateConnectionBodySchema = z
  .strictObject({ roles: rolesSchema.optional(), datasourceIds: guestDatasourcesSchema.optional() })
  .refine((body) => body.roles !== undefined || body.datasourceIds !== undefined, {
    message: 'Send roles, datasourceIds or both.',
  })
  .refine((body) => !body.datasourceIds || !body.roles || body.roles.includes('guest'), onlyForGuests);

// Datasources

export const datasourceParamsSchema = orgParamsSchema.extend({ datasourceId: idSchema('datasource') });

/** The editable annotations of a datasource; the data API's PATCH takes the same fields, not strictly. */
export const updateDatasourceBodySchema = z
  .strictObject(datasourceAnnotationFields)
  .refine((body) => Object.keys(body).length > 0, { message: 'Send name, group or tags.' });
export type DatasourceAnnotations = z.infer<typeof updateDatasourceBodySchema>;

// Audit

export const auditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  nextToken: z.string().min(1).max(4096).optional(),
});

export const auditEventSchema = z
  .object({
    eventId: z.string(),
    time: isoTimeSchema,
    actor: z
      .object({ type: z.enum(['person', 'application', 'secretScanner']), id: z.string() })
      .meta({ description: 'Extension: `secretScanner` (id: the host publishing its keys) on `key.leaked` events.' }),
    action: z
      .string()
      .meta({ description: 'e.g. org.create, person.invite, application.create, key.regenerate, connection.create' }),
    target: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'AuditEvent' });
export const auditListSchema = z.object({ events: z.array(auditEventSchema), nextToken: z.string().optional() });
