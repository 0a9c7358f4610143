import { useState } from 'preact/hooks';
import type { OrgSummary } from '../App';
import { api, unwrap, type Schemas } from '../api/client';
import { useDraft } from '../auth/drafts';
import { ActionsMenu } from '../components/ActionsMenu';
import { announce, EmptyState, formatTime, LoadState, Table, useLoad } from '../components/common';
import { ReadingsChart } from '../components/ReadingsChart';
import { DatasourceDialog } from '../dialogs/DatasourceDialog';
import { RetireDatasourceDialog } from '../dialogs/RetireDatasourceDialog';

type Datasource = Schemas['Datasource'];

const DAY_MS = 86_400_000;

/** The newest PM2.5 reading: its value with the unit, and when it was taken. */
function LatestReading(props: { reading: Datasource['latestReading'] }) {
  if (!props.reading) return <>No readings</>;
  return (
    <>
      <strong class="reading">
        {props.reading.value.toFixed(1)} {props.reading.unit}
      </strong>
      <br />
      <small>{formatTime(props.reading.time)}</small>
    </>
  );
}

/**
 * Datasources: each with its latest PM2.5 reading and a chart of its last 24 hours (loaded as its
 * row comes near the screen); add (admin, technician); annotate (admin, technician, analyst);
 * retire (admin, technician).
 */
export function DatasourcesPage(props: { org: OrgSummary }) {
  const orgId = props.org.orgId;
  const roles = props.org.roles;
  const canManage = roles.some((role) => role === 'admin' || role === 'technician');
  const canAnnotate = canManage || roles.includes('analyst');
  const list = useLoad(
    async () =>
      (
        await unwrap(
          api.GET('/admin/orgs/{orgId}/datasources', { params: { path: { orgId }, query: { include: 'latestReading' } } }),
        )
      ).datasources,
    [orgId],
  );
  // Which dialog is open ('new', or the id of the datasource being edited) survives a sign-in round trip.
  const [editing, setEditing] = useDraft<string | undefined>(`${orgId}:datasource:editing`, undefined);
  const [retiring, setRetiring] = useState<Datasource>();
  const edited = editing && editing !== 'new' ? list.data?.find((datasource) => datasource.datasourceId === editing) : undefined;

  return (
    <>
      <h1>Datasources</h1>
      <p class="lede">
        The sensors of {props.org.name}. Your roles here: {roles.join(', ')}.{' '}
        {!canAnnotate && 'You can read them; editing needs the analyst, technician or admin role.'}
      </p>
      {canManage && (
        <div class="toolbar">
          <button type="button" class="primary" onClick={() => setEditing('new')}>
            Add datasource
          </button>
        </div>
      )}
      <LoadState loading={list.loading && !list.data} error={list.error} what="datasources" />
      {list.data?.length === 0 && (
        <EmptyState>
          {canManage
            ? 'No datasources yet. Use "Add datasource" to register a sensor.'
            : 'No datasources yet. A technician or an admin adds them.'}
        </EmptyState>
      )}
      {list.data && list.data.length > 0 && (
        <Table caption={`Datasources of ${props.org.name}`}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Latest PM2.5</th>
              <th scope="col">Last 24 hours</th>
              <th scope="col">Datasource ID</th>
              <th scope="col">Group</th>
              <th scope="col">Tags</th>
              <th scope="col">Location</th>
              <th scope="col">Added</th>
              {canAnnotate && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {list.data.map((datasource) => (
              <tr key={datasource.datasourceId}>
                <th scope="row">{datasource.name}</th>
                <td data-label="Latest PM2.5">
                  <LatestReading reading={datasource.latestReading} />
                </td>
                <td data-label="Last 24 hours">
                  {datasource.latestReading && Date.now() - Date.parse(datasource.latestReading.time) < DAY_MS ? (
                    <ReadingsChart orgId={orgId} datasourceId={datasource.datasourceId} name={datasource.name} />
                  ) : (
                    'No readings'
                  )}
                </td>
                <td data-label="Datasource ID">
                  <code>{datasource.datasourceId}</code>
                </td>
                <td data-label="Group">{datasource.group ?? '—'}</td>
                <td data-label="Tags">{datasource.tags.join(', ') || '—'}</td>
                <td data-label="Location">
                  {datasource.location ? `${datasource.location.lat}, ${datasource.location.lon}` : '—'}
                </td>
                <td data-label="Added">{formatTime(datasource.createdAt)}</td>
                {canAnnotate && (
                  <td>
                    <ActionsMenu
                      label={`Actions for ${datasource.name}`}
                      items={[
                        { label: 'Edit', onSelect: () => setEditing(datasource.datasourceId) },
                        ...(canManage ? [{ label: 'Retire', danger: true, onSelect: () => setRetiring(datasource) }] : []),
                      ]}
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </Table>
      )}

      {(editing === 'new' || edited) && (
        <DatasourceDialog
          key={editing}
          orgId={orgId}
          datasource={edited}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            list.reload();
          }}
        />
      )}
      {retiring && (
        <RetireDatasourceDialog
          orgId={orgId}
          datasource={retiring}
          onClose={() => setRetiring(undefined)}
          onRetired={(message) => {
            announce(message);
            setRetiring(undefined);
            list.reload();
          }}
        />
      )}
    </>
  );
}
