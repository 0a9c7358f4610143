import { v2WhoamiRoutes } from '../routes/v2-whoami';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { loadApplication } from '../core/applications';
import { UnauthorizedError } from '../core/platform/errors';
import { limitsOf } from '../core/applications';

/** The application behind the key, with its current grants (read fresh, not from the authorizer's snapshot). */
export const handler = defineRoute(v2WhoamiRoutes.v2Whoami, async ({ principal }) => {
  const aggregate = await loadApplication(principal.applicationId);
  // The key resolved a moment ago; a missing application means it was deleted in between.
  if (!aggregate) throw new UnauthorizedError('This key no longer belongs to an application.');
  const { application, connections } = aggregate;
  return ok({
    applicationId: application.applicationId,
    name: application.name,
    ownerOrgId: application.ownerOrgId,
    keyId: principal.keyId,
    orgs: connections.map(({ orgId, roles, datasourceIds }) => ({
      org: orgId,
      roles,
      ...(datasourceIds ? { datasourceIds } : {}),
    })),
    limits: limitsOf(application),
  });
});
