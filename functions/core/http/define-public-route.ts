import type { Reply } from './reply';
import type { PublicRoute } from './route';
import { routeHandler, type RouteRequest } from './route-handler';

const nobody = () => Promise.resolve({});

/**
 * The Lambda handler of a public route (credential `none`): `routeHandler` with no access checks,
 * so its bundle carries neither the access rules nor the table they read.
 */
export function definePublicRoute<R extends PublicRoute>(route: R, run: (request: RouteRequest<R>) => Promise<Reply>) {
  return routeHandler(route, nobody, run);
}
