/**
 * Who may connect an application, its owner org's choice (pure: the schemas and the domain both
 * read it): any org given its id (`anyone`, the default), the owner and the orgs in
 * `allowedOrgs` (`listed`), or the owner only (`owner-only`). A change never removes existing
 * connections; the owner ends those one by one.
 */
import type { ConnectPolicy } from '../platform/limits';

export type { ConnectPolicy };

export interface ConnectRule {
  ownerOrgId: string;
  connectPolicy: ConnectPolicy;
  allowedOrgs?: readonly string[];
}

/** Whether `orgId` may connect the application: its owner always may; others as its policy says. */
export function mayConnect(rule: ConnectRule, orgId: string): boolean {
  if (orgId === rule.ownerOrgId) return true;
  if (rule.connectPolicy === 'owner-only') return false;
  if (rule.connectPolicy === 'listed') return (rule.allowedOrgs ?? []).includes(orgId);
  return true;
}
