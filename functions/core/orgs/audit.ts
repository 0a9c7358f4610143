import { newId } from '../platform/ids';
import { putNewItem, queryPage, type Page, type StoredItem, type TransactItem } from '../store/table';

/**
 * Audit events: one item per change, written in the same transaction as the change.
 * Key: PK `AUDIT#<orgId>`, SK `<eventId>`; event ids are time-ordered, so a Query with
 * ScanIndexForward=false reads the newest first.
 */

/**
 * Who made a change: a person (by verified email), an application (by id), or a secret scanner
 * (by the host that publishes its keys) reporting leaked keys.
 */
export interface Actor {
  type: 'person' | 'application' | 'secretScanner';
  id: string;
}

export interface AuditEvent {
  eventId: string;
  time: string;
  actor: Actor;
  action: string;
  target: string;
  details?: Record<string, unknown>;
}

const auditPartition = (orgId: string) => `AUDIT#${orgId}`;

/** The transaction item that records `action` on `target` in `orgId`'s audit log. */
export function auditEventPut(
  orgId: string,
  actor: Actor,
  action: string,
  target: string,
  details?: Record<string, unknown>,
  now = new Date(),
): TransactItem {
  const eventId = newId('event', now.getTime());
  const item: StoredItem & AuditEvent = {
    PK: auditPartition(orgId),
    SK: eventId,
    type: 'auditEvent',
    eventId,
    time: now.toISOString(),
    actor,
    action,
    target,
    ...(details ? { details } : {}),
  };
  return putNewItem(item);
}

function fromItem(item: Record<string, unknown>): AuditEvent {
  const { eventId, time, actor, action, target, details } = item as unknown as AuditEvent;
  return { eventId, time, actor, action, target, ...(details ? { details } : {}) };
}

/** One page of an org's audit log, newest first. */
export async function listAuditEvents(orgId: string, limit: number, nextToken?: string): Promise<Page<AuditEvent>> {
  const page = await queryPage({ partition: auditPartition(orgId), limit, nextToken, newestFirst: true });
  return { ...page, items: page.items.map(fromItem) };
}
