import { publicRoutes } from '../routes/public';
import { definePublicRoute } from '../core/http/define-public-route';
import { ok } from '../core/http/reply';
import { readiness } from '../core/platform/readiness';

export const handler = definePublicRoute(publicRoutes.health, async () =>
  ok({ status: 'ok', ...readiness(), time: new Date().toISOString() }),
);
