import * as z from '../core/platform/zod';
import {
  applicationLimitsSchema,
  datasourceAnnotationFields,
  guestDatasourcesSchema,
  idSchema,
  isoTimeSchema,
  timestampInputSchema,
  booleanInputSchema,
  nameSchema,
  pageQuerySchema,
  storableNumberSchema,
  tagsSchema,
} from '../core/http/common-schemas';
import { roleSchema, rolesSchema } from '../core/orgs/roles';
import { MAX_ALLOWED_CIDRS, cidrProblem } from '../core/ip-ranges';
import { DEFAULT_USAGE_DAYS, MAX_USAGE_DAYS } from '../core/usage/usage-days';
import { CONNECT_POLICIES, DEFAULT_REPORT_SHARE, MAX_ALLOWED_ORGS, REPORTS_PER_ORG_PER_DAY } from '../core/platform/limits';
import { SOURCE_TYPES } from '../core/datasources/source-types';

/**
 * Schemas of the admin API. Bodies are strict: a field the route does not know is 400, so a
 * typo such as `role` for `roles` never passes silently (contract section 4).
 */

export const orgParamsSchema = z.object({ orgId: idSchema('org') });
export const applicationParamsSchema = z.extend(orgParamsSchema, { applicationId: idSchema('application') });

export const createOrgBodySchema = z.strictObject({ name: nameSchema });

export const orgSchema = z.object({ orgId: z.string(), name: z.string(), createdAt: isoTimeSchema }).check(z.meta({ id: 'Org' }));
export const orgListSchema = z.object({
  orgs: z.array(z.object({ orgId: z.string(), name: z.string(), roles: z.array(roleSchema) })),
});

export const createApplicationBodySchema = z.strictObject({ name: nameSchema });

// Objects that others extend are built from their fields: a `meta` check would travel into the
// extension and give it the same OpenAPI component id.
const connectPolicySchema = z.enum(CONNECT_POLICIES).check(
  z.meta({
    description:
      "Extension (who may connect it, the owner org's choice): `anyone` given its id (the default), `listed`: the owner org and the orgs in `allowedOrgs`, `owner-only`: the owner org alone. A connect outside it is 403 `connection_not_allowed`; a change leaves existing connections in place (the owner ends them with `DELETE .../applications/{applicationId}/connections/{connectedOrgId}`).",
  }),
);
const applicationFields = {
  applicationId: z.string(),
  name: z.string(),
  ownerOrgId: z.string(),
  createdAt: isoTimeSchema,
  createdBy: z.string(),
  connectPolicy: connectPolicySchema,
  allowedOrgs: z
    .optional(z.array(z.string()))
    .check(z.meta({ description: 'Extension, with `connectPolicy` `listed`: the orgs besides the owner that may connect it.' })),
};
export const applicationSchema = z.object(applicationFields).check(z.meta({ id: 'Application' }));

/**
 * A key's IP allowlist (contract section 12): IPv4 and IPv6 CIDR ranges, each problem named in
 * the 400's details (`allowedCidrs.<index>`).
 */
const allowedCidrsSchema = z
  .array(
    z.string().check(
      z.maxLength(64),
      z.superRefine((cidr, context) => {
        const problem = cidrProblem(cidr);
        if (problem) context.addIssue({ code: 'custom', message: problem, input: cidr });
      }),
    ),
  )
  .check(
    z.maxLength(MAX_ALLOWED_CIDRS, `At most ${MAX_ALLOWED_CIDRS} ranges on one key.`),
    z.meta({
      description: `Extension of the contract's key (section 12): the IPv4 and IPv6 CIDR ranges (\`203.0.113.0/24\`, \`2001:db8::/32\`; a bare address is one host) the data API accepts this key from, at most ${MAX_ALLOWED_CIDRS}. A request from an address outside every range is 403 \`ip_not_allowed\`. No list (or an empty one) means any address. The address is the one API Gateway saw (behind the console's CloudFront, the viewer's), never a header the client sends.`,
    }),
  );

const keyFields = {
  keyId: z.string(),
  applicationId: z.string(),
  label: z.optional(z.string()),
  hint: z.string().check(z.meta({ description: 'The prefix and the last 4 characters; never the key.' })),
  enabled: z.boolean(),
  createdAt: isoTimeSchema,
  expiresAt: z.optional(isoTimeSchema),
  lastUsedAt: z.optional(isoTimeSchema).check(z.meta({ description: 'Last use by the data API, current to within a minute.' })),
  replacedBy: z
    .optional(z.string())
    .check(z.meta({ description: 'Extension: on a regenerated key in its grace period, the successor key id.' })),
  allowedCidrs: z.optional(allowedCidrsSchema),
  revokedAt: z.optional(isoTimeSchema).check(
    z.meta({
      description:
        'Extension: when the key was revoked as leaked (by a secret scanner, or by its holder with `POST /v2/keys/revoke`). A revoked key stays disabled: it cannot be enabled again nor its expiry moved (409); regenerate it.',
    }),
  ),
};
export const keySchema = z.object(keyFields).check(z.meta({ id: 'ApiKey' }));

export const issuedKeySchema = z
  .object({
    ...keyFields,
    key: z.string().check(z.meta({ description: 'The API key in plaintext. Shown in this response only.' })),
  })
  .check(z.meta({ id: 'IssuedApiKey' }));

export const createApplicationResponseSchema = z.object({ application: applicationSchema, apiKey: issuedKeySchema });
export const applicationSummarySchema = z
  .object({
    ...applicationFields,
    keyCount: z.number().check(z.meta({ description: 'Extension: how many keys the application has (at most 20).' })),
    connections: z
      .array(z.object({ orgId: z.string(), orgName: z.string() }))
      .check(z.meta({ description: 'Extension: the orgs that connected the application, by their current name.' })),
  })
  .check(z.meta({ id: 'ApplicationSummary' }));
export const applicationListSchema = z.object({
  applications: z.array(applicationSummarySchema),
  nextToken: z.optional(z.string()),
});

/** A connection's share of the org's daily report requests. */
const reportShareSchema = z.number().check(
  z.int(),
  z.gte(0),
  z.lte(REPORTS_PER_ORG_PER_DAY),
  z.meta({
    description: `Extension: of the org's ${REPORTS_PER_ORG_PER_DAY} report requests a UTC day, the most this application may make (0 to ${REPORTS_PER_ORG_PER_DAY}; default ${DEFAULT_REPORT_SHARE}); past it \`POST /v2/report-requests\` is 429 \`throttled\`. Set by the connected org's admins, so one application cannot use the whole quota.`,
  }),
);

export const createConnectionBodySchema = z
  .strictObject({
    applicationId: idSchema('application'),
    roles: rolesSchema,
    datasourceIds: z.optional(guestDatasourcesSchema),
    reportShare: z.optional(reportShareSchema),
  })
  .check(
    z.refine((body) => !body.datasourceIds || body.roles.includes('guest'), {
      message: 'datasourceIds narrows the guest role; include "guest" in roles or leave it out.',
      path: ['datasourceIds'],
    }),
  );

export const connectionSchema = z
  .object({
    applicationId: z.string(),
    applicationName: z.string(),
    ownerOrgId: z.string(),
    ownerOrgName: z
      .optional(z.string())
      .check(z.meta({ description: 'Extension, in the listing: the current name of the org that created the application.' })),
    roles: z.array(roleSchema),
    datasourceIds: z.optional(z.array(z.string())),
    reportShare: reportShareSchema,
    connectedAt: isoTimeSchema,
    connectedBy: z.string(),
  })
  .check(z.meta({ id: 'Connection' }));
export const connectionListSchema = z.object({ connections: z.array(connectionSchema), nextToken: z.optional(z.string()) });

export const locationSchema = z.object({
  lat: storableNumberSchema.check(z.gte(-90), z.lte(90)),
  lon: storableNumberSchema.check(z.gte(-180), z.lte(180)),
});

export const createDatasourceBodySchema = z.strictObject({
  name: nameSchema,
  sourceType: z._default(
    z
      .enum(SOURCE_TYPES, { error: `Send one of Clarity's source types: ${SOURCE_TYPES.join(', ')}.` })
      .check(z.meta({ description: "One of Clarity's source types; default `CLARITY_NODE`." })),
    'CLARITY_NODE',
  ),
  group: z.optional(z.string().check(z.trim(), z.maxLength(200))),
  tags: z._default(tagsSchema, []),
  location: z.optional(z.strictObject(locationSchema.shape)),
});

export const datasourceSchema = z
  .object({
    datasourceId: z.string(),
    orgId: z.string(),
    sourceType: z.string().check(
      z.meta({
        description: `One of ${SOURCE_TYPES.map((type) => `\`${type}\``).join(', ')}; a datasource created before that rule may hold other text (CSV answers escape it).`,
      }),
    ),
    name: z.string(),
    group: z.optional(z.string()),
    tags: z.array(z.string()),
    location: z.optional(locationSchema),
    createdAt: isoTimeSchema,
    latestReading: z.optional(
      z
        .object({
          time: isoTimeSchema,
          metric: z.literal('pm2_5ConcMass'),
          value: z.number(),
          unit: z.literal('µg/m³'),
        })
        .check(
          z.meta({
            id: 'LatestReading',
            description:
              'Extension: with `include=latestReading` on the listing, the newest PM2.5 minute of the datasource within the 10-day retention; absent when there is none.',
          }),
        ),
    ),
  })
  .check(z.meta({ id: 'Datasource' }));
export const datasourceListSchema = z.object({ datasources: z.array(datasourceSchema), nextToken: z.optional(z.string()) });

export const datasourceListQuerySchema = z.extend(pageQuerySchema, {
  include: z.optional(z.enum(['latestReading'])).check(
    z.meta({
      description:
        "Extension: `latestReading` adds each datasource's newest PM2.5 reading (one small Query per listed datasource, on the server).",
    }),
  ),
});

export const datasourceReadingsQuerySchema = z.object({
  hours: z
    ._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(72)), 24)
    .check(z.meta({ description: 'UTC hours back from now, the current hour included (1-72, default 24).' })),
});

export const datasourceReadingsSchema = z
  .object({
    datasourceId: z.string(),
    metric: z.literal('pm2_5ConcMass'),
    unit: z.literal('µg/m³'),
    from: isoTimeSchema.check(z.meta({ description: 'Start of the first hour of the window.' })),
    to: isoTimeSchema.check(z.meta({ description: 'The end of the window: now.' })),
    hours: z.array(
      z.object({
        start: isoTimeSchema,
        mean: z.number(),
        minutes: z.number().check(z.meta({ description: 'PM2.5 minutes the mean is of.' })),
      }),
    ),
  })
  .check(z.meta({ id: 'DatasourceReadings' }));

export { pageQuerySchema };

// Orgs

export const updateOrgBodySchema = z.strictObject({ name: nameSchema });

// People

const emailSchema = z.email('Not a valid email address.').check(z.maxLength(320));
const onlyForGuests = {
  message: 'datasourceIds narrows the guest role; include "guest" in roles or leave it out.',
  path: ['datasourceIds'],
};

export const personParamsSchema = z.extend(orgParamsSchema, { email: emailSchema });

export const personSchema = z
  .object({
    email: z.string(),
    roles: z.array(roleSchema),
    datasourceIds: z.optional(z.array(z.string())),
    status: z.enum(['active', 'pending']),
    addedAt: isoTimeSchema,
  })
  .check(z.meta({ id: 'Person' }));
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
  .strictObject({ email: emailSchema, roles: rolesSchema, datasourceIds: z.optional(guestDatasourcesSchema) })
  .check(z.refine((body) => !body.datasourceIds || body.roles.includes('guest'), onlyForGuests));

export const updatePersonBodySchema = z
  .strictObject({ roles: rolesSchema, datasourceIds: z.optional(guestDatasourcesSchema) })
  .check(z.refine((body) => !body.datasourceIds || body.roles.includes('guest'), onlyForGuests));

// Applications and keys

export const updateApplicationBodySchema = z
  .strictObject({
    name: z.optional(nameSchema),
    connectPolicy: z.optional(connectPolicySchema),
    allowedOrgs: z.optional(
      z.array(idSchema('org')).check(
        z.maxLength(MAX_ALLOWED_ORGS),
        z.meta({
          description: `Extension: with \`connectPolicy\` \`listed\`, the orgs besides the owner that may connect it (at most ${MAX_ALLOWED_ORGS}; repeats count once).`,
        }),
      ),
    ),
  })
  .check(
    z.refine((body) => body.name !== undefined || body.connectPolicy !== undefined || body.allowedOrgs !== undefined, {
      message: 'Send name, connectPolicy, allowedOrgs or a combination.',
    }),
    z.refine((body) => !body.allowedOrgs || body.connectPolicy === undefined || body.connectPolicy === 'listed', {
      message: 'allowedOrgs goes with connectPolicy "listed".',
      path: ['allowedOrgs'],
    }),
  );

export const applicationDetailSchema = z
  .object({
    ...applicationFields,
    keys: z.array(keySchema),
    connections: z.array(
      z.object({
        orgId: z.string(),
        orgName: z.string(),
        roles: z.array(roleSchema),
        datasourceIds: z.optional(z.array(z.string())),
        connectedAt: isoTimeSchema,
        connectedBy: z.string(),
      }),
    ),
    limits: applicationLimitsSchema,
    limitsAreDefaults: z.boolean().check(
      z.meta({
        description:
          "Extension (contract section 7): true while no admin has set this application's limits, so `limits` are the deployment's defaults.",
      }),
    ),
  })
  .check(z.meta({ id: 'ApplicationDetail' }));

export const keyParamsSchema = z.extend(applicationParamsSchema, { keyId: idSchema('key') });
export const keyListSchema = z.object({ keys: z.array(keySchema) });

const labelSchema = z.string().check(z.trim(), z.maxLength(100));

export const createKeyBodySchema = z.strictObject({
  label: z.optional(labelSchema),
  expiresAt: z
    .optional(timestampInputSchema)
    .check(z.meta({ description: 'When the key stops working; must be in the future.' })),
  allowedCidrs: z.optional(allowedCidrsSchema),
});

export const regenerateKeyBodySchema = z.strictObject({
  graceSeconds: z
    ._default(z.number().check(z.int(), z.gte(0), z.lte(604800)), 0)
    .check(z.meta({ description: 'How long the old key keeps working: 0 (default) stops it now; at most 7 days.' })),
});

export const updateKeyBodySchema = z
  .strictObject({
    enabled: z.optional(booleanInputSchema),
    label: z.optional(labelSchema),
    expiresAt: z.optional(z.nullable(timestampInputSchema)).check(
      z.meta({
        description:
          'Extension: a new expiry (in the future), or null to remove it. A regenerated key in its grace period can have its expiry moved, not removed (409).',
      }),
    ),
    allowedCidrs: z
      .optional(z.nullable(allowedCidrsSchema))
      .check(z.meta({ description: 'A new IP allowlist, replacing the old one; null or [] removes it (any address).' })),
  })
  .check(
    z.refine(
      (body) =>
        body.enabled !== undefined || body.label !== undefined || body.expiresAt !== undefined || body.allowedCidrs !== undefined,
      { message: 'Send enabled, label, expiresAt, allowedCidrs or a combination.' },
    ),
  );

// Usage per application

export const usageQuerySchema = z.object({
  days: z
    ._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(MAX_USAGE_DAYS)), DEFAULT_USAGE_DAYS)
    .check(z.meta({ description: `How many UTC days, today included: 1 to ${MAX_USAGE_DAYS} (default ${DEFAULT_USAGE_DAYS}).` })),
});

export const usageSchema = z
  .object({
    applicationId: z.string(),
    days: z.array(
      z.object({
        date: z.string().check(z.meta({ description: 'The UTC day, `YYYY-MM-DD`.' })),
        requests: z.number().check(
          z.meta({
            description:
              "Data API requests made with any of the application's keys that day: those a handler answered and those the gateway throttled.",
          }),
        ),
        throttled: z
          .number()
          .check(z.meta({ description: "Of those, the ones answered 429 (over the application's limits or a report quota)." })),
        byOrg: z.record(z.string(), z.number()).check(
          z.meta({
            description:
              'Requests by the org they named (`org`), for orgs with any; requests naming no org (refused 400) or throttled by the gateway before the org was read count in `requests` only.',
          }),
        ),
      }),
    ),
  })
  .check(z.meta({ id: 'ApplicationUsage', description: 'Every UTC day of the window, newest first, with zeros on quiet days.' }));

// Connections

// A connection is named by the org and the application it connects: `applicationParamsSchema`.
export const endConnectionParamsSchema = z.extend(applicationParamsSchema, { connectedOrgId: idSchema('org') });

export const updateConnectionBodySchema = z
  .strictObject({
    roles: z.optional(rolesSchema),
    datasourceIds: z.optional(guestDatasourcesSchema),
    reportShare: z.optional(reportShareSchema),
  })
  .check(
    z.refine((body) => body.roles !== undefined || body.datasourceIds !== undefined || body.reportShare !== undefined, {
      message: 'Send roles, datasourceIds, reportShare or any of them together.',
    }),
    z.refine((body) => !body.datasourceIds || !body.roles || body.roles.includes('guest'), onlyForGuests),
  );

// Datasources

export const datasourceParamsSchema = z.extend(orgParamsSchema, { datasourceId: idSchema('datasource') });

/** The editable annotations of a datasource; the data API's PATCH takes the same fields, not strictly. */
export const updateDatasourceBodySchema = z
  .strictObject(datasourceAnnotationFields)
  .check(z.refine((body) => Object.keys(body).length > 0, { message: 'Send name, group or tags.' }));

// Audit

export const auditQuerySchema = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 50),
  nextToken: z.optional(z.string().check(z.minLength(1), z.maxLength(4096))),
});

export const auditEventSchema = z
  .object({
    eventId: z.string(),
    time: isoTimeSchema,
    actor: z
      .object({ type: z.enum(['person', 'application', 'secretScanner']), id: z.string() })
      .check(z.meta({ description: 'Extension: `secretScanner` (id: the host publishing its keys) on `key.leaked` events.' })),
    action: z
      .string()
      .check(z.meta({ description: 'e.g. org.create, person.invite, application.create, key.regenerate, connection.create' })),
    target: z.string(),
    details: z.optional(z.record(z.string(), z.unknown())),
  })
  .check(z.meta({ id: 'AuditEvent' }));
export const auditListSchema = z.object({ events: z.array(auditEventSchema), nextToken: z.optional(z.string()) });
