import * as data from '../core/clarity/v2-schemas';
import { routeTable } from '../core/http/route';

/** Datasources through the data API (Clarity v2). */
export const v2DatasourceRoutes = routeTable({
  v2ListDatasources: {
    operationId: 'v2ListDatasources',
    method: 'GET',
    path: '/v2/datasources',
    handler: 'data/list-datasources',
    credential: 'apiKey',
    grant: 'readListedDatasources',
    tableAccess: 'read',
    summary: 'The datasources of an org the application is connected to',
    who: 'any grant (guest: its list)',
    query: data.orgQuerySchema,
    responses: {
      200: {
        description:
          "The datasources visible to the application in `org`, as Clarity lists them. `currentSourceId` and `currentSubscriptionId` are Datagate's own stable values (`src_` / `sub_` and the datasource id's body): Datagate has no devices or subscriptions.",
        schema: data.v2DatasourceListSchema,
      },
    },
    errors: [400, 403],
  },
  v2GetDatasource: {
    operationId: 'v2GetDatasource',
    method: 'GET',
    path: '/v2/datasources/{datasourceId}',
    handler: 'data/get-datasource',
    credential: 'apiKey',
    grant: 'readListedDatasources',
    tableAccess: 'read',
    summary: 'One datasource of an org the application is connected to',
    description:
      "Clarity's per-datasource details, under `datasource`. Datagate has no devices or subscriptions of its own: `currentSourceId` (`src_...`) and `currentSubscriptionId` (`sub_...`) are derived from the datasource id (stable), `openData.isOpen` is false, and `sourceHistory`, `accessToMeasurements` and `subscriptionHistory` hold one open-ended entry from `createdAt` (omitted for `REFERENCE_SITE`, as Clarity does); `nameProvidedBySourceOperator` is not sent. `orgAnnotations` is an array of the org's annotations (`org`, `name`, `group`, `tags`). Extensions: `currentSubscriptionId`, `location` and `createdAt`. 404 when the datasource is not in `org` or not on a guest's list.",
    who: 'any grant (guest: its list)',
    params: data.datasourceParamsSchema,
    query: data.orgQuerySchema,
    responses: { 200: { description: 'The datasource.', schema: data.v2DatasourceDetailsSchema } },
    errors: [400, 403, 404],
  },
  v2UpdateDatasource: {
    operationId: 'v2UpdateDatasource',
    method: 'PATCH',
    path: '/v2/datasources/{datasourceId}',
    handler: 'data/update-datasource',
    credential: 'apiKey',
    grant: 'editAnnotations',
    tableAccess: 'readWrite',
    summary: "Edit a datasource's annotations (name, group, tags)",
    description:
      'Not in Clarity v2 (a Datagate extension). `org` in the query string; body `{orgAnnotations: {name?, group?, tags?}}`. Answers the datasource as the listing shows it, with `location` and `createdAt`. Writes a `datasource.update` audit event with the application as actor.',
    who: 'admin, technician, analyst',
    params: data.datasourceParamsSchema,
    query: data.orgQuerySchema,
    body: data.updateAnnotationsBodySchema,
    responses: { 200: { description: 'The datasource.', schema: data.v2DatasourceSchema } },
    errors: [400, 403, 404],
  },
});
