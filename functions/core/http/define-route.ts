import { BadRequestError } from '../platform/errors';
import type { ApplicationPrincipal, PersonPrincipal } from '../identity/principal';
import { applicationActor, personActor, requireGrant, requireOrgPermission } from '../identity/access';
import type { Reply } from './reply';
import type { ApplicationRoute, PersonRoute, RouteDefinition } from './route';
import { routeHandler, type AroundRun, type RouteRequest } from './route-handler';
import { runIdempotently } from './idempotency';
import { takesIdempotencyKey } from './idempotency-key';

export type { RouteRequest } from './route-handler';

/**
 * The org a `/v2` request acts on: the body's (the contract's place on a POST) or the query
 * string's, still read for older clients; when both are sent they must agree.
 */
function requestOrg(input: { query: unknown; body: unknown }): string {
  const pick = (source: unknown) =>
    typeof source === 'object' && source !== null && typeof (source as { org?: unknown }).org === 'string'
      ? (source as { org: string }).org
      : undefined;
  const [fromQuery, fromBody] = [pick(input.query), pick(input.body)];
  if (fromQuery !== undefined && fromBody !== undefined && fromQuery !== fromBody) {
    throw new BadRequestError('org differs between the body and the query string.', [
      { path: 'org', message: 'Send org once, in the body; the query string, if sent too, must name the same org.' },
    ]);
  }
  const org = fromBody ?? fromQuery;
  if (org === undefined) throw new BadRequestError('org is required.', [{ path: 'org', message: 'Send org in the body.' }]);
  return org;
}

/** Enforces the row's permission or grant; what it established goes to the route's function. */
async function authorize(
  route: RouteDefinition,
  input: { params: unknown; query: unknown; body: unknown },
  principal: PersonPrincipal | ApplicationPrincipal | undefined,
): Promise<Record<string, unknown>> {
  if (route.credential === 'person') {
    const person = principal as PersonPrincipal;
    // Every person route needs a verified email (403 otherwise): it is the person's identity.
    const actor = personActor(person);
    if (route.permission === 'signedIn' || route.permission === 'invitee') return { actor };
    const { orgId } = input.params as { orgId?: string };
    if (!orgId) throw new Error(`Route ${route.operationId} declares an org permission but has no {orgId} in its path.`);
    return { actor, membership: await requireOrgPermission(person, orgId, route.permission) };
  }
  if (route.credential === 'apiKey') {
    const application = principal as ApplicationPrincipal;
    const actor = applicationActor(application);
    if (route.grant === 'anyKey') return { actor };
    const org = requestOrg(input);
    return { actor, org, grant: await requireGrant(application, org, route.grant) };
  }
  return {};
}

/** A POST that takes an `Idempotency-Key` runs once per caller and key (idempotency.ts). */
const idempotentRun: AroundRun = (route, event, principal, context, respond) =>
  takesIdempotencyKey(route) && principal
    ? runIdempotently(event, principal, () => context.getRemainingTimeInMillis(), respond)
    : respond();

/**
 * A route's Lambda handler (`routeHandler`) that enforces the row's permission (or grant) before
 * the route's function runs, so the handler holds only its own work; its POSTs that take an
 * `Idempotency-Key` answer a retry with the first answer.
 */
export function defineRoute<R extends PersonRoute | ApplicationRoute>(
  route: R,
  run: (request: RouteRequest<R>) => Promise<Reply>,
) {
  return routeHandler(route, authorize, run, idempotentRun);
}
