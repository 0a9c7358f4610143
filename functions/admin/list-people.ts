import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { requireOrgPermission } from '../core/access';
import { listPeople, toPersonView } from '../core/people';

export const handler = defineRoute(routes.listPeople, async ({ params, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'manageOrg');
  return ok({ people: (await listPeople(params.orgId)).map(toPersonView) });
});
