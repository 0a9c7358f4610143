import { orgRoutes } from '../routes/orgs';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { listOrgsOf } from '../core/orgs/orgs';

export const handler = defineRoute(orgRoutes.listOrgs, async ({ actor }) => ok({ orgs: await listOrgsOf(actor.id) }));
