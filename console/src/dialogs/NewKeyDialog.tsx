import type { Schemas } from '../api/client';
import { DoneEnd } from '../components/common';
import { Dialog } from '../components/Dialog';
import { ShownOnce } from '../components/ShownOnce';

/** A key just issued ("New API key", "Regenerated API key"), shown this once with its copy button. */
export function NewKeyDialog(props: { title: string; apiKey: Schemas['IssuedApiKey']; onClose: () => void }) {
  return (
    <Dialog title={props.title} open onClose={props.onClose}>
      <ShownOnce label="API key" value={props.apiKey.key} />
      <DoneEnd onDone={props.onClose} />
    </Dialog>
  );
}
