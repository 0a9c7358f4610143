import { publicRoutes } from '../routes/public';
import { definePublicRoute } from '../core/http/define-public-route';
import { NotFoundError } from '../core/platform/errors';
import { apiReferenceAsset, isApiReferenceAsset } from '../core/http/api-reference-files';

export const handler = definePublicRoute(publicRoutes.apiReferenceAsset, async ({ params }) => {
  if (!isApiReferenceAsset(params.asset)) throw new NotFoundError('No such file of the API reference.');
  const { body, contentType } = await apiReferenceAsset(params.asset);
  // The files change only with a deployment.
  return { status: 200, body, contentType, headers: { 'Cache-Control': 'public, max-age=3600' } };
});
