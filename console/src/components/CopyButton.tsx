import { useState } from 'preact/hooks';
import { eventHandler } from './common';

/** Copies `value` to the clipboard and says so. */
export function CopyButton(props: { value: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <button
      type="button"
      class="copy"
      aria-label={props.label}
      onClick={eventHandler(async () => {
        try {
          await navigator.clipboard.writeText(props.value);
          setState('copied');
        } catch {
          setState('failed');
        }
      })}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select the text' : 'Copy'}
    </button>
  );
}
