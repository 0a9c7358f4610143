import type { RouteDefinition } from '../functions/core/http/route';

/**
 * The route table split into areas, one nested stack each (lib/route-stack.ts), so that no
 * CloudFormation stack nears its 500-resource limit as routes are added. A route costs
 * ROUTE_RESOURCE_COST resources in its area's stack (function, role, policy, log group,
 * invoke permission, method), plus in the application stack one API Gateway resource per new
 * path segment. An area holds at most MAX_AREA_STACK_RESOURCES / ROUTE_RESOURCE_COST routes;
 * test/infra/stack-size.test.ts checks every stack's count. When an area fills up, split it here:
 * a new area is a new nested stack (its routes' functions are replaced on the next deployment).
 */
export const ROUTE_AREAS = {
  /** The routes without a credential: health, the OpenAPI document and page, leaked keys. */
  Public: 'public routes: health, API reference, leaked-key reports',
  /** `/admin`: orgs, invitations, people, datasources, audit. */
  Admin: 'the admin API: orgs, people, datasources, audit',
  /** `/admin/orgs/{orgId}/applications...` and `/connections...`. */
  AdminApplications: 'the admin API: applications, their keys and connections',
  /** `/v2`: the data API. */
  DataApi: 'the data API (/v2)',
} as const;

export type RouteArea = keyof typeof ROUTE_AREAS;

/** Resources one route adds to its area's stack: function, role, policy, log group, invoke permission, method. */
export const ROUTE_RESOURCE_COST = 6;

/** The most resources a stack of Datagate may hold (CloudFormation's limit is 500): room to grow and to split. */
export const MAX_STACK_RESOURCES = 300;

/** The area of a route, by credential and path. */
export function routeArea(route: Pick<RouteDefinition, 'credential' | 'path'>): RouteArea {
  if (route.credential === 'none') return 'Public';
  if (route.path.startsWith('/v2/')) return 'DataApi';
  if (/^\/admin\/orgs\/\{orgId\}\/(applications|connections)(\/|$)/.test(route.path)) return 'AdminApplications';
  return 'Admin';
}
