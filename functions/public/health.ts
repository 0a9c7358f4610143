import { publicRoutes } from '../routes/public';
import { definePublicRoute } from '../core/http/define-public-route';
import { ok } from '../core/http/reply';

export const handler = definePublicRoute(publicRoutes.health, async () => ok({ status: 'ok', time: new Date().toISOString() }));
