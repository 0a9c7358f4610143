import { useState } from 'preact/hooks';
import { api, ApiError, describeError, unwrap, type Schemas } from '../api/client';
import { clearDrafts, useDraft } from '../auth/drafts';
import { announce, eventHandler, Field, FormEnd } from '../components/common';
import { Dialog } from '../components/Dialog';

type Datasource = Schemas['Datasource'];

const tagsOf = (text: string) =>
  text
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);

/**
 * "Add datasource" (no `datasource`: name, group, tags and a location) or "Edit datasource" (its
 * annotations). What is typed survives a sign-in round trip.
 */
export function DatasourceDialog(props: { orgId: string; datasource?: Datasource; onClose: () => void; onSaved: () => void }) {
  const { datasource } = props;
  const isNew = datasource === undefined;
  const draft = `${props.orgId}:datasource`;
  const [name, setName] = useDraft(`${draft}:name`, datasource?.name ?? '');
  const [group, setGroup] = useDraft(`${draft}:group`, datasource?.group ?? '');
  const [tags, setTags] = useDraft(`${draft}:tags`, datasource?.tags.join(', ') ?? '');
  const [lat, setLat] = useDraft(`${draft}:lat`, '');
  const [lon, setLon] = useDraft(`${draft}:lon`, '');
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [busy, setBusy] = useState(false);

  const close = () => {
    clearDrafts(draft);
    props.onClose();
  };

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      if (isNew) {
        const location = lat || lon ? { location: { lat: Number(lat), lon: Number(lon) } } : {};
        const created = await unwrap(
          api.POST('/admin/orgs/{orgId}/datasources', {
            params: { path: { orgId: props.orgId } },
            body: { name, ...(group ? { group } : {}), tags: tagsOf(tags), ...location },
          }),
        );
        announce(`Datasource ${created.name} added.`);
      } else {
        await unwrap(
          api.PATCH('/admin/orgs/{orgId}/datasources/{datasourceId}', {
            params: { path: { orgId: props.orgId, datasourceId: datasource.datasourceId } },
            body: { name, group, tags: tagsOf(tags) },
          }),
        );
        announce(`Datasource ${name} saved.`);
      }
      clearDrafts(draft);
      props.onSaved();
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 400 && failure.body.details?.length)
        setErrors({
          name: failure.detailFor('name'),
          group: failure.detailFor('group'),
          tags: failure.detailFor('tags'),
          location: failure.detailFor('location'),
        });
      else setErrors({ form: describeError(failure) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={isNew ? 'Add datasource' : 'Edit datasource'} open onClose={close}>
      <form onSubmit={eventHandler(save)}>
        <Field label="Name" value={name} onInput={setName} error={errors.name} required autoFocus />
        <Field label="Group" value={group} onInput={setGroup} error={errors.group} />
        <Field label="Tags" value={tags} onInput={setTags} error={errors.tags} hint="Separated by commas." />
        {isNew && (
          <div class="pair">
            <Field label="Latitude" type="number" value={lat} onInput={setLat} error={errors.location} />
            <Field label="Longitude" type="number" value={lon} onInput={setLon} />
          </div>
        )}
        <FormEnd
          error={errors.form}
          busy={busy}
          submit={isNew ? 'Add datasource' : 'Save'}
          submitting="Saving…"
          onCancel={close}
        />
      </form>
    </Dialog>
  );
}
