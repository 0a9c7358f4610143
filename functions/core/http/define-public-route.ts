import type { Reply } from './reply';
import type { PublicRoute } from './route';
import { routeHandler, type RouteRequest, type VerifyRawRequest } from './route-handler';

const nobody = () => Promise.resolve({});

/**
 * The Lambda handler of a public route (credential `none`): `routeHandler` with no access checks,
 * so its bundle carries neither the access rules nor the table they read. `verifyRaw` checks the
 * request as it arrived (a signature over the raw body) before anything of it is parsed.
 */
export function definePublicRoute<R extends PublicRoute>(
  route: R,
  run: (request: RouteRequest<R>) => Promise<Reply>,
  verifyRaw?: VerifyRawRequest,
) {
  return routeHandler(route, nobody, run, undefined, verifyRaw);
}
