/**
 * The application aggregate's public module: everything outside this folder imports from here.
 * An application (applications.ts) owns its partition `APP#<applicationId>`
 * (application-partition.ts): its keys (api-keys.ts records, application-keys.ts operations),
 * the orgs that connected it (connections.ts records, application-connections.ts operations) and
 * its limits (application-limits.ts), which the edge enforces through a usage plan: the
 * usage-plan protocol and its port (usage-plans.ts), API Gateway's side of it
 * (gateway-usage-plans.ts, keyed by usage-key.ts).
 */
export * from './applications';
export * from './application-keys';
export * from './application-connections';
export * from './application-limits';
export * from './api-keys';
export * from './connections';
export * from './usage-key';
export * from './gateway-usage-plans';
export * from './usage-plans';
export * from './connect-policy';
