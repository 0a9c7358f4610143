import { publicRoutes } from '../routes/public';
import { defineRoute } from '../core/http/define-route';
import { NotFoundError } from '../core/errors';
import { apiReferenceAsset, isApiReferenceAsset } from './api-reference-files';

export const handler = defineRoute(publicRoutes.apiReferenceAsset, async ({ params }) => {
  if (!isApiReferenceAsset(params.asset)) throw new NotFoundError('No such file of the API reference.');
  const { body, contentType } = await apiReferenceAsset(params.asset);
  // The files change only with a deployment.
  return { status: 200, body, contentType, headers: { 'Cache-Control': 'public, max-age=3600' } };
});
