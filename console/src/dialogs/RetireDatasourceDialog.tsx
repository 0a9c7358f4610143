import { api, unwrap, type Schemas } from '../api/client';
import { ConfirmDialog } from '../components/Dialog';

/** "Retire": a datasource leaves every listing and the data API. */
export function RetireDatasourceDialog(props: {
  orgId: string;
  datasource: Schemas['Datasource'];
  onClose: () => void;
  onRetired: (message: string) => void;
}) {
  const { datasource } = props;
  return (
    <ConfirmDialog
      title={`Retire ${datasource.name}?`}
      confirmLabel="Retire"
      working="Retiring…"
      onClose={props.onClose}
      onConfirm={async () => {
        await unwrap(
          api.DELETE('/admin/orgs/{orgId}/datasources/{datasourceId}', {
            params: { path: { orgId: props.orgId, datasourceId: datasource.datasourceId } },
          }),
        );
        props.onRetired(`${datasource.name} retired.`);
      }}
    >
      <p>It leaves every listing and the data API at once; its measurements expire within 10 days.</p>
    </ConfirmDialog>
  );
}
