import * as data from '../data/schemas';
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
    who: 'any valid key',
    responses: { 200: { description: 'The application behind the key.', schema: data.whoamiSchema } },
    errors: [],
  },
});
