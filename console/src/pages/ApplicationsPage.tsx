import { useState } from 'preact/hooks';
import type { OrgSummary } from '../App';
import { api, unwrap, type Schemas } from '../api/client';
import { useDraft } from '../auth/drafts';
import { ActionsMenu } from '../components/ActionsMenu';
import { announce, EmptyState, formatTime, LoadState, Table, useLoad } from '../components/common';
import { CopyButton } from '../components/CopyButton';
import { UsageChart, USAGE_DAYS } from '../components/UsageChart';
import { ConnectApplicationDialog } from '../dialogs/ConnectApplicationDialog';
import { ConnectPolicyDialog, connectPolicyText } from '../dialogs/ConnectPolicyDialog';
import { CreateApplicationDialog } from '../dialogs/CreateApplicationDialog';
import { DeleteApplicationDialog } from '../dialogs/DeleteApplicationDialog';
import { DisconnectApplicationDialog } from '../dialogs/DisconnectApplicationDialog';
import { EndConnectionDialog } from '../dialogs/EndConnectionDialog';
import { ReportShareDialog, reportShareText } from '../dialogs/ReportShareDialog';
import { RolesDialog, TextDialog } from '../dialogs/SimpleDialogs';
import { navigate } from '../routing';

type Pending =
  | { kind: 'rename'; application: Schemas['ApplicationSummary'] }
  | { kind: 'delete'; application: Schemas['ApplicationSummary'] }
  | { kind: 'policy'; application: Schemas['ApplicationSummary'] }
  | { kind: 'end'; application: Schemas['ApplicationSummary']; connection: { orgId: string; orgName: string } }
  | { kind: 'roles'; connection: Schemas['Connection'] }
  | { kind: 'share'; connection: Schemas['Connection'] }
  | { kind: 'disconnect'; connection: Schemas['Connection'] };

/**
 * Organization > Applications: the applications this org created (who may connect each, the orgs
 * connected, each connection endable, usage), and those connected to it (roles, report share,
 * usage here).
 */
export function ApplicationsPage(props: { org: OrgSummary; orgs: OrgSummary[] }) {
  const orgId = props.org.orgId;
  const path = { params: { path: { orgId } } };
  // The listing carries each application's key count and connected orgs: no request per row.
  const created = useLoad(async () => (await unwrap(api.GET('/admin/orgs/{orgId}/applications', path))).applications, [orgId]);
  const connected = useLoad(async () => (await unwrap(api.GET('/admin/orgs/{orgId}/connections', path))).connections, [orgId]);
  const reload = () => {
    created.reload();
    connected.reload();
  };

  const [creating, setCreating] = useDraft(`${orgId}:create-application:open`, false);
  const [connecting, setConnecting] = useDraft(`${orgId}:connect-application:open`, false);
  const [pending, setPending] = useState<Pending>();
  const closePending = () => setPending(undefined);
  const done = (message: string) => {
    announce(message);
    setPending(undefined);
    reload();
  };
  const orgName = (id: string) => props.orgs.find((org) => org.orgId === id)?.name ?? id;

  return (
    <>
      <h1>Applications</h1>
      <p class="lede">
        Applications are software with their own API keys. Connect an application, this organization's or another's, to let it
        read this organization's data through the data API.
      </p>
      <div class="toolbar">
        <button type="button" class="primary" onClick={() => setCreating(true)}>
          Create application
        </button>
        <button type="button" onClick={() => setConnecting(true)}>
          Connect application
        </button>
      </div>

      <section aria-labelledby="created-heading">
        <h2 id="created-heading">Applications created by your organization</h2>
        <LoadState loading={created.loading && !created.data} error={created.error} what="applications" />
        {created.data?.length === 0 && (
          <EmptyState>No applications yet. Use "Create application" to make one and get its first API key.</EmptyState>
        )}
        {created.data && created.data.length > 0 && (
          <Table caption="Applications created by your organization">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Application ID</th>
                <th scope="col">Created</th>
                <th scope="col">Keys</th>
                <th scope="col">Orgs connected</th>
                <th scope="col">Who may connect</th>
                <th scope="col">Usage, last {USAGE_DAYS} days</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {created.data.map((application) => (
                <tr key={application.applicationId}>
                  <th scope="row">{application.name}</th>
                  <td data-label="Application ID">
                    <code>{application.applicationId}</code>{' '}
                    <CopyButton value={application.applicationId} label={`Copy the ID of ${application.name}`} />
                  </td>
                  <td data-label="Created">{formatTime(application.createdAt)}</td>
                  <td data-label="Keys">{application.keyCount}</td>
                  <td data-label="Orgs connected">
                    {application.connections.length === 0 ? (
                      'none'
                    ) : (
                      <ul class="connected-orgs">
                        {application.connections.map((connection) => (
                          <li key={connection.orgId}>
                            <span>{connection.orgName}</span>
                            <button
                              type="button"
                              class="small"
                              onClick={() => setPending({ kind: 'end', application, connection })}
                            >
                              End connection<span class="visually-hidden"> of {connection.orgName}</span>
                            </button>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td data-label="Who may connect">{connectPolicyText(application)}</td>
                  <td data-label={`Usage, last ${USAGE_DAYS} days`}>
                    <UsageChart orgId={orgId} applicationId={application.applicationId} name={application.name} scope="created" />
                  </td>
                  <td>
                    <ActionsMenu
                      label={`Actions for ${application.name}`}
                      items={[
                        {
                          label: 'API Keys',
                          onSelect: () => navigate({ screen: 'keys', orgId, applicationId: application.applicationId }),
                        },
                        { label: 'Rename', onSelect: () => setPending({ kind: 'rename', application }) },
                        { label: 'Who may connect', onSelect: () => setPending({ kind: 'policy', application }) },
                        { label: 'Delete', danger: true, onSelect: () => setPending({ kind: 'delete', application }) },
                      ]}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>

      <section aria-labelledby="connected-heading">
        <h2 id="connected-heading">Applications connected to your organization</h2>
        <LoadState loading={connected.loading && !connected.data} error={connected.error} what="connections" />
        {connected.data?.length === 0 && (
          <EmptyState>
            No application can read this organization's data yet. Use "Connect application" with an application ID.
          </EmptyState>
        )}
        {connected.data && connected.data.length > 0 && (
          <Table caption="Applications connected to your organization">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Application ID</th>
                <th scope="col">Owner org</th>
                <th scope="col">Roles</th>
                <th scope="col">Connected</th>
                <th scope="col">Report share</th>
                <th scope="col">Usage here, last {USAGE_DAYS} days</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {connected.data.map((connection) => (
                <tr key={connection.applicationId}>
                  <th scope="row">{connection.applicationName}</th>
                  <td data-label="Application ID">
                    <code>{connection.applicationId}</code>
                  </td>
                  <td data-label="Owner org">{connection.ownerOrgName ?? orgName(connection.ownerOrgId)}</td>
                  <td data-label="Roles">
                    {connection.roles.join(', ')}
                    {connection.datasourceIds && ` (${connection.datasourceIds.length} datasources)`}
                  </td>
                  <td data-label="Connected">{formatTime(connection.connectedAt)}</td>
                  <td data-label="Report share">{reportShareText(connection)}</td>
                  <td data-label={`Usage here, last ${USAGE_DAYS} days`}>
                    <UsageChart
                      orgId={orgId}
                      applicationId={connection.applicationId}
                      name={connection.applicationName}
                      scope="connected"
                    />
                  </td>
                  <td>
                    <ActionsMenu
                      label={`Actions for the connection of ${connection.applicationName}`}
                      items={[
                        { label: 'Change roles', onSelect: () => setPending({ kind: 'roles', connection }) },
                        { label: 'Report share', onSelect: () => setPending({ kind: 'share', connection }) },
                        { label: 'Disconnect', danger: true, onSelect: () => setPending({ kind: 'disconnect', connection }) },
                      ]}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>

      <CreateApplicationDialog orgId={orgId} open={creating} onClose={() => setCreating(false)} onCreated={reload} />
      <ConnectApplicationDialog orgId={orgId} open={connecting} onClose={() => setConnecting(false)} onConnected={reload} />
      {pending?.kind === 'rename' && (
        <TextDialog
          title={`Rename ${pending.application.name}`}
          label="Name"
          initial={pending.application.name}
          open
          onClose={closePending}
          onSave={async (name) => {
            await unwrap(
              api.PATCH('/admin/orgs/{orgId}/applications/{applicationId}', {
                params: { path: { orgId, applicationId: pending.application.applicationId } },
                body: { name },
              }),
            );
            done(`Renamed to ${name}.`);
          }}
        />
      )}
      {pending?.kind === 'delete' && (
        <DeleteApplicationDialog
          orgId={orgId}
          application={{ ...pending.application, connectionCount: pending.application.connections.length }}
          onClose={closePending}
          onDeleted={done}
        />
      )}
      {pending?.kind === 'policy' && (
        <ConnectPolicyDialog orgId={orgId} application={pending.application} onClose={closePending} onSaved={done} />
      )}
      {pending?.kind === 'end' && (
        <EndConnectionDialog
          orgId={orgId}
          application={pending.application}
          connection={pending.connection}
          onClose={closePending}
          onEnded={done}
        />
      )}
      {pending?.kind === 'roles' && (
        <RolesDialog
          title={`Roles of ${pending.connection.applicationName} here`}
          orgId={orgId}
          initialRoles={pending.connection.roles}
          initialDatasourceIds={pending.connection.datasourceIds}
          open
          onClose={closePending}
          onSave={async (roles, datasourceIds) => {
            await unwrap(
              api.PATCH('/admin/orgs/{orgId}/connections/{applicationId}', {
                params: { path: { orgId, applicationId: pending.connection.applicationId } },
                body: { roles, ...(datasourceIds ? { datasourceIds } : {}) },
              }),
            );
            done(`${pending.connection.applicationName} now has ${roles.join(', ')}.`);
          }}
        />
      )}
      {pending?.kind === 'share' && (
        <ReportShareDialog orgId={orgId} connection={pending.connection} onClose={closePending} onSaved={done} />
      )}
      {pending?.kind === 'disconnect' && (
        <DisconnectApplicationDialog orgId={orgId} connection={pending.connection} onClose={closePending} onDisconnected={done} />
      )}
    </>
  );
}
