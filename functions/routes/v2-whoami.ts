import * as data from '../core/clarity/v2-schemas';
import { routeTable } from '../core/http/route';

/** The calling application (data API). */
export const v2WhoamiRoutes = routeTable({
  v2Whoami: {
    operationId: 'v2Whoami',
    method: 'GET',
    path: '/v2/whoami',
    handler: 'data/whoami',
    credential: 'apiKey',
    grant: 'anyKey',
    tableAccess: 'read',
    summary: 'The calling application, its key and its grants in every connected org',
    description:
      "Answers `applicationId`, `name`, `ownerOrgId` (the org that created the application), `keyId` (the key this request was sent with) and `orgs`: one entry per connected org with `org`, `roles` and, for a guest narrowed to some datasources (an extension), `datasourceIds`; and `limits` (an extension, contract section 7): the application's `requestsPerSecond`, `burst` and `requestsPerDay`, over which requests are answered 429. Grants and limits are read at the time of the request.",
    who: 'any valid key',
    responses: { 200: { description: 'The application behind the key.', schema: data.whoamiSchema } },
    errors: [],
  },
});
