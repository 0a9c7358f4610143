import { api, unwrap, type Schemas } from '../api/client';
import { ConfirmDialog } from '../components/Dialog';

/** "Disconnect": this org stops letting an application read its data. */
export function DisconnectApplicationDialog(props: {
  orgId: string;
  connection: Schemas['Connection'];
  onClose: () => void;
  onDisconnected: (message: string) => void;
}) {
  const { connection } = props;
  return (
    <ConfirmDialog
      title={`Disconnect ${connection.applicationName}?`}
      confirmLabel="Disconnect"
      working="Disconnecting…"
      onClose={props.onClose}
      onConfirm={async () => {
        await unwrap(
          api.DELETE('/admin/orgs/{orgId}/connections/{applicationId}', {
            params: { path: { orgId: props.orgId, applicationId: connection.applicationId } },
          }),
        );
        props.onDisconnected(`${connection.applicationName} is disconnected.`);
      }}
    >
      <p>{connection.applicationName} stops reading this organization's data within 10 seconds.</p>
    </ConfirmDialog>
  );
}
