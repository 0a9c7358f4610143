import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { eventHandler, FormEnd, useAction } from './common';

const FOCUSABLE =
  'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea, a[href], [tabindex]:not([tabindex="-1"])';

/**
 * Tab from the last control goes to the first, Shift+Tab from the first to the last: a modal
 * `<dialog>` makes the page inert, but Tab could otherwise leave for the browser's own UI.
 */
function holdFocus(event: KeyboardEvent): void {
  if (event.key !== 'Tab') return;
  const dialog = event.currentTarget as HTMLDialogElement;
  const controls = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((control) => control.offsetParent !== null);
  const first = controls[0];
  const last = controls[controls.length - 1];
  if (!first || !last) return;
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}

/**
 * A modal dialog on the native `<dialog>`: `showModal()` makes the rest of the page inert,
 * focus is held inside, Escape closes it, and focus returns to what opened it.
 */
export function Dialog(props: { title: string; open: boolean; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onKeyDown={holdFocus}
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      {props.open && props.children}
    </dialog>
  );
}

/**
 * A dialog that asks before something that cannot be undone; the named dialogs in src/dialogs
 * (DeleteKeyDialog, RetireDatasourceDialog, ...) say what it is and call the API in `onConfirm`.
 */
export function ConfirmDialog(props: {
  title: string;
  confirmLabel: string;
  working?: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
  explain?: (failure: unknown) => string | undefined;
  children: ComponentChildren;
}) {
  const action = useAction();
  return (
    <Dialog title={props.title} open onClose={props.onClose}>
      <form
        onSubmit={eventHandler(async (event: Event) => {
          event.preventDefault();
          await action.run(props.onConfirm, props.explain);
        })}
      >
        {props.children}
        <FormEnd
          error={action.error}
          busy={action.busy}
          submit={props.confirmLabel}
          submitting={props.working ?? 'Working…'}
          onCancel={props.onClose}
          danger
        />
      </form>
    </Dialog>
  );
}
