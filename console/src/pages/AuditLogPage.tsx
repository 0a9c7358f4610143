import { useCallback, useEffect, useState } from 'preact/hooks';
import type { OrgSummary } from '../App';
import { api, describeError, unwrap, type Schemas } from '../api/client';
import { EmptyState, eventHandler, formatTime, LoadState, Table } from '../components/common';

const PAGE = 25;

/** The audit log, newest first, a page at a time. */
export function AuditLogPage(props: { org: OrgSummary }) {
  const orgId = props.org.orgId;
  const [events, setEvents] = useState<Schemas['AuditEvent'][]>([]);
  const [nextToken, setNextToken] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();

  const load = useCallback(
    async (token?: string) => {
      setLoading(true);
      setError(undefined);
      try {
        const page = await unwrap(
          api.GET('/admin/orgs/{orgId}/audit-events', {
            params: { path: { orgId }, query: { limit: PAGE, ...(token ? { nextToken: token } : {}) } },
          }),
        );
        setEvents((previous) => (token ? [...previous, ...page.events] : page.events));
        setNextToken(page.nextToken);
      } catch (failure) {
        setError(failure);
      } finally {
        setLoading(false);
      }
    },
    [orgId],
  );
  useEffect(() => {
    setEvents([]);
    void load();
  }, [load]);

  return (
    <>
      <h1>Audit log</h1>
      <p class="lede">Every change in {props.org.name}, newest first.</p>
      <LoadState loading={loading && events.length === 0} error={error} what="the audit log" />
      {!loading && !error && events.length === 0 && <EmptyState>Nothing has happened here yet.</EmptyState>}
      {events.length > 0 && (
        <Table caption={`Audit log of ${props.org.name}`}>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <tr key={event.eventId}>
                <td data-label="Time">{formatTime(event.time)}</td>
                <td data-label="Who">
                  {event.actor.id}
                  {event.actor.type === 'application' && ' (application)'}
                </td>
                <td data-label="Action">{event.action}</td>
                <td data-label="Target">
                  <code>{event.target}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {nextToken && (
        <button type="button" onClick={eventHandler(() => load(nextToken))} disabled={loading}>
          {loading ? 'Loading…' : 'Load older events'}
        </button>
      )}
      {error !== undefined && events.length > 0 && <p class="error">{describeError(error)}</p>}
    </>
  );
}
