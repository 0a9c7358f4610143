import { api, unwrap } from '../api/client';
import { LoadState, useLoad } from './common';

/** Which datasources a guest may see: checkboxes over the org's datasources. */
export function DatasourcePicker(props: { orgId: string; value: string[]; onChange: (ids: string[]) => void; error?: string }) {
  const datasources = useLoad(
    async () =>
      (await unwrap(api.GET('/admin/orgs/{orgId}/datasources', { params: { path: { orgId: props.orgId } } }))).datasources,
    [props.orgId],
  );
  return (
    <fieldset>
      <legend>Datasources the guest may see</legend>
      <LoadState loading={datasources.loading} error={datasources.error} what="datasources" />
      {datasources.data?.length === 0 && <p class="empty">This organization has no datasources yet.</p>}
      {datasources.data?.map((datasource) => (
        <label class="check" key={datasource.datasourceId}>
          <input
            type="checkbox"
            checked={props.value.includes(datasource.datasourceId)}
            onChange={(event) => {
              const checked = event.currentTarget.checked;
              props.onChange(
                checked ? [...props.value, datasource.datasourceId] : props.value.filter((id) => id !== datasource.datasourceId),
              );
            }}
          />
          <span>{datasource.name}</span>
        </label>
      ))}
      {props.error && <p class="error">{props.error}</p>}
    </fieldset>
  );
}
