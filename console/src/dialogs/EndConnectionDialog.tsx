import { api, unwrap, type Schemas } from '../api/client';
import { ConfirmDialog } from '../components/Dialog';

/**
 * "End connection": the owner org ends another org's (or its own) connection of its
 * application, whatever the application's connect policy.
 */
export function EndConnectionDialog(props: {
  orgId: string;
  application: Pick<Schemas['Application'], 'applicationId' | 'name' | 'connectPolicy' | 'allowedOrgs'>;
  connection: { orgId: string; orgName: string };
  onClose: () => void;
  onEnded: (message: string) => void;
}) {
  const { application, connection } = props;
  // Whether the policy lets this org straight back in: the dialog says so, and what to do.
  const mayReconnect =
    application.connectPolicy === 'anyone' ||
    (application.connectPolicy === 'listed' && (application.allowedOrgs ?? []).includes(connection.orgId)) ||
    connection.orgId === props.orgId;
  return (
    <ConfirmDialog
      title={`End the connection of ${connection.orgName} to ${application.name}?`}
      confirmLabel="End connection"
      working="Ending…"
      onClose={props.onClose}
      onConfirm={async () => {
        await unwrap(
          api.DELETE('/admin/orgs/{orgId}/applications/{applicationId}/connections/{connectedOrgId}', {
            params: { path: { orgId: props.orgId, applicationId: application.applicationId, connectedOrgId: connection.orgId } },
          }),
        );
        props.onEnded(`${application.name} no longer reads the data of ${connection.orgName}.`);
      }}
    >
      <p>
        {application.name} stops reading the data of {connection.orgName} within 10 seconds. Both organizations' audit logs record
        it.{' '}
        {mayReconnect
          ? `${connection.orgName}'s admins can connect it again; to keep them from it, change who may connect it first.`
          : `${connection.orgName} cannot connect it again while who may connect it stays as it is.`}
      </p>
    </ConfirmDialog>
  );
}
