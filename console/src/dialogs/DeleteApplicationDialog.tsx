import { api, unwrap } from '../api/client';
import { ConfirmDialog } from '../components/Dialog';

/** "Delete": an application, its keys and its connections, after asking. */
export function DeleteApplicationDialog(props: {
  orgId: string;
  application: { applicationId: string; name: string; connectionCount: number };
  onClose: () => void;
  onDeleted: (message: string) => void;
}) {
  const { application } = props;
  return (
    <ConfirmDialog
      title={`Delete ${application.name}?`}
      confirmLabel="Delete application"
      working="Deleting…"
      onClose={props.onClose}
      onConfirm={async () => {
        await unwrap(
          api.DELETE('/admin/orgs/{orgId}/applications/{applicationId}', {
            params: { path: { orgId: props.orgId, applicationId: application.applicationId } },
          }),
        );
        props.onDeleted(`${application.name} deleted.`);
      }}
    >
      <p>
        Every key of {application.name} stops working at once, and it leaves the {application.connectionCount} organizations it is
        connected to. This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}
