import { CopyButton } from './CopyButton';

/** A secret shown once (a new API key), with its copy button and the warning. */
export function ShownOnce(props: { label: string; value: string }) {
  return (
    <div class="secret">
      <p class="field-label">{props.label}</p>
      <p>
        <code class="wrap">{props.value}</code> <CopyButton value={props.value} label={`Copy ${props.label.toLowerCase()}`} />
      </p>
      <p class="warning" role="note">
        You will not see this key again. Copy it now and store it in the application's secret store.
      </p>
    </div>
  );
}
