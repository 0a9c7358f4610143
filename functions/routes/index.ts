import { publicRoutes } from './public';
import { orgRoutes } from './orgs';
import { peopleRoutes } from './people';
import { applicationRoutes } from './applications';
import { keyRoutes } from './keys';
import { connectionRoutes } from './connections';
import { datasourceRoutes } from './datasources';
import { auditRoutes } from './audit';
import { v2DatasourceRoutes } from './v2-datasources';
import { v2MeasurementRoutes } from './v2-measurements';
import { v2WhoamiRoutes } from './v2-whoami';
import { v2KeyRoutes } from './v2-keys';
import { v2MetricRoutes } from './v2-metrics';
import type { RouteDefinition } from '../core/http/route';

/**
 * THE route table: every HTTP route of Datagate, grouped by resource (one module each in this
 * folder). The CDK stack creates one API Gateway method and one Lambda function per row; the
 * local server routes with the same rows; the OpenAPI document is generated from them. A handler
 * imports its own resource's module, never this one, so its bundle holds only its own schemas.
 */
export const routes = {
  ...publicRoutes,
  ...orgRoutes,
  ...peopleRoutes,
  ...applicationRoutes,
  ...keyRoutes,
  ...connectionRoutes,
  ...datasourceRoutes,
  ...auditRoutes,
  ...v2DatasourceRoutes,
  ...v2MeasurementRoutes,
  ...v2WhoamiRoutes,
  ...v2KeyRoutes,
  ...v2MetricRoutes,
};

export type RouteName = keyof typeof routes;

/** The rows as a list, for the stack, the local server and the OpenAPI generator. */
export const routeList: readonly RouteDefinition[] = Object.values(routes);
