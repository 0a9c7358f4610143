import { api, unwrap, type Schemas } from '../api/client';
import { ConfirmDialog } from '../components/Dialog';

/** "Delete" on a key: software using it is refused within seconds. */
export function DeleteKeyDialog(props: {
  orgId: string;
  applicationId: string;
  keyName: string;
  apiKey: Schemas['ApiKey'];
  onClose: () => void;
  onDeleted: (message: string) => void;
}) {
  return (
    <ConfirmDialog
      title={`Delete key ${props.keyName}?`}
      confirmLabel="Delete key"
      working="Deleting…"
      onClose={props.onClose}
      onConfirm={async () => {
        await unwrap(
          api.DELETE('/admin/orgs/{orgId}/applications/{applicationId}/keys/{keyId}', {
            params: { path: { orgId: props.orgId, applicationId: props.applicationId, keyId: props.apiKey.keyId } },
          }),
        );
        props.onDeleted(`Key ${props.keyName} deleted.`);
      }}
    >
      <p>Software using this key is refused within 10 seconds. This cannot be undone.</p>
    </ConfirmDialog>
  );
}
