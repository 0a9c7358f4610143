import { publicRoutes } from '../routes/public';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';

export const handler = defineRoute(publicRoutes.health, async () => ok({ status: 'ok', time: new Date().toISOString() }));
