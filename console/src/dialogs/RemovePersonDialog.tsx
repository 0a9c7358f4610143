import { api, ApiError, unwrap, type Schemas } from '../api/client';
import { ConfirmDialog } from '../components/Dialog';

type Person = Schemas['Person'];

/** The API's 409 for the last admin, in words that say what to do. */
export function explainLastAdmin(failure: unknown, person: Person): string | undefined {
  if (!(failure instanceof ApiError) || failure.status !== 409 || !/admin/i.test(failure.body.message)) return undefined;
  return `${person.email} is the last active admin of this organization, and an organization must keep one. Make someone else an admin first.`;
}

/** "Remove" a member, or "Withdraw invitation" of someone who has not accepted yet. */
export function RemovePersonDialog(props: {
  orgId: string;
  person: Person;
  onClose: () => void;
  onRemoved: (message: string) => void;
}) {
  const { person } = props;
  const pending = person.status === 'pending';
  return (
    <ConfirmDialog
      title={pending ? `Withdraw the invitation of ${person.email}?` : `Remove ${person.email}?`}
      confirmLabel={pending ? 'Withdraw' : 'Remove'}
      working={pending ? 'Withdrawing…' : 'Removing…'}
      onClose={props.onClose}
      explain={(failure) => explainLastAdmin(failure, person)}
      onConfirm={async () => {
        await unwrap(
          api.DELETE('/admin/orgs/{orgId}/people/{email}', { params: { path: { orgId: props.orgId, email: person.email } } }),
        );
        props.onRemoved(`${person.email} removed.`);
      }}
    >
      <p>They lose access to this organization at once.</p>
    </ConfirmDialog>
  );
}
