import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';

export const handler = defineRoute(routes.health, async () => ok({ status: 'ok', time: new Date().toISOString() }));
