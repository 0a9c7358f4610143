import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState, type MutableRef } from 'preact/hooks';
import { describeError, ROLES, type Role } from '../api/client';

/**
 * Adapts an async event handler to the `void` a Preact event attribute expects. Every handler
 * catches its own failures and shows them in its dialog or screen; one that escapes anyway is
 * logged instead of becoming an unhandled rejection.
 */
export function eventHandler<A extends unknown[]>(handler: (...args: A) => Promise<void>): (...args: A) => void {
  return (...args) => {
    handler(...args).catch((failure: unknown) => console.error('An event handler failed', failure));
  };
}

/**
 * Loads data for a screen; `reload` after a change (no page reload needed). `key` lists what the
 * load depends on (an org's id, an application's id): a new key loads again. `load` itself is a
 * new closure every render, so the latest one is kept in a ref rather than listed.
 */
export function useLoad<T>(load: () => Promise<T>, key: readonly string[]) {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(load);
  latest.current = load;
  const joinedKey = key.join('\u0000');
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    latest.current().then(
      (data) => current && setState({ data, loading: false }),
      (error: unknown) => current && setState({ error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [joinedKey, generation]);
  return { ...state, reload: useCallback(() => setGeneration((value) => value + 1), []) };
}

/** The screen's state while it loads or when it failed: progress, or the reason in words. */
export function LoadState(props: { loading: boolean; error?: unknown; what: string }) {
  if (props.error !== undefined)
    return (
      <p class="error" role="alert">
        Could not load {props.what}: {describeError(props.error)}
      </p>
    );
  if (props.loading) return <p role="status">Loading {props.what}…</p>;
  return null;
}

export function EmptyState(props: { children: ComponentChildren }) {
  return <p class="empty">{props.children}</p>;
}

/**
 * A listing's table, which never scrolls sideways: when its columns do not fit the width it has
 * (a phone, a laptop's 1024 px for a wide listing), its rows become cards (styles.css,
 * `.as-cards`): each cell on its own line after its `data-label` (its column's name), so give
 * every `<td>` one. It goes back to columns once the width holds them again.
 */
export function Table(props: { caption: string; children: ComponentChildren }) {
  const id = useId();
  const box = useRef<HTMLDivElement>(null);
  const cards = useFitOrCards(box);
  return (
    <div ref={box} class={cards ? 'table-wrap as-cards' : 'table-wrap'} role="region" aria-labelledby={id}>
      <table>
        {/* The section's heading already says it on screen; the caption names the table for assistive tech. */}
        <caption id={id} class="visually-hidden">
          {props.caption}
        </caption>
        {props.children}
      </table>
    </div>
  );
}

/**
 * Whether the table in `box` must be cards: yes once its columns are wider than the box (the
 * width they needed is kept), no again once the box is at least that wide. Checked before the
 * first paint and whenever the box or the table changes size (a resize, rows or charts loaded).
 */
function useFitOrCards(box: MutableRef<HTMLDivElement | null>): boolean {
  const [cards, setCards] = useState(false);
  const needed = useRef(0);
  useLayoutEffect(() => {
    const element = box.current;
    const table = element?.firstElementChild;
    if (!element || !table || typeof ResizeObserver === 'undefined') return;
    const fit = () => {
      if (!element.classList.contains('as-cards')) {
        // The outer width the columns need (the frame's border included, which cards do without).
        if (element.scrollWidth > element.clientWidth) {
          needed.current = element.scrollWidth + element.offsetWidth - element.clientWidth;
          setCards(true);
        }
      } else if (element.offsetWidth >= needed.current) setCards(false);
    };
    fit();
    const observer = new ResizeObserver(fit);
    observer.observe(element);
    observer.observe(table);
    return () => observer.disconnect();
  }, [box]);
  return cards;
}

export function formatTime(iso: string | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

const ROLE_HINTS: Record<Role, string> = {
  admin: 'everything, including people, applications and keys',
  technician: 'adds datasources and measurements',
  analyst: 'reads and annotates datasources',
  observer: 'read-only; the right choice for the data API',
  guest: 'reads only the datasources you pick',
};

/** Checkboxes for roles, each with what it allows. */
export function RolePicker(props: { value: Role[]; onChange: (roles: Role[]) => void; error?: string; recommend?: Role }) {
  const errorId = useId();
  return (
    <fieldset aria-describedby={props.error ? errorId : undefined}>
      <legend>Roles</legend>
      {ROLES.map((role) => (
        <label class="check" key={role}>
          <input
            type="checkbox"
            checked={props.value.includes(role)}
            onChange={(event) => {
              const checked = event.currentTarget.checked;
              props.onChange(checked ? [...props.value, role] : props.value.filter((held) => held !== role));
            }}
          />
          <span>
            {role[0]!.toUpperCase() + role.slice(1)}
            {props.recommend === role && ' (recommended)'}
            <small> — {ROLE_HINTS[role]}</small>
          </span>
        </label>
      ))}
      {props.error && (
        <p id={errorId} class="error">
          {props.error}
        </p>
      )}
    </fieldset>
  );
}

/** A labelled text field with its error next to it. */
export function Field(props: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  error?: string;
  type?: string;
  required?: boolean;
  hint?: string;
  autoFocus?: boolean;
}) {
  const id = useId();
  const described = [props.hint && `${id}-hint`, props.error && `${id}-error`].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.hint && (
        <small id={`${id}-hint`} class="hint">
          {props.hint}
        </small>
      )}
      <input
        id={id}
        type={props.type ?? 'text'}
        step={props.type === 'number' ? 'any' : undefined}
        value={props.value}
        required={props.required}
        autoFocus={props.autoFocus}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={described || undefined}
        onInput={(event) => props.onInput(event.currentTarget.value)}
      />
      {props.error && (
        <p id={`${id}-error`} class="error">
          {props.error}
        </p>
      )}
    </div>
  );
}

let announcer: ((message: string) => void) | undefined;

/** Says the outcome of an action in the page's live region. */
export function announce(message: string): void {
  announcer?.(message);
}

export function Announcer() {
  const [message, setMessage] = useState('');
  useEffect(() => {
    if (!message) return;
    const timer = setTimeout(() => setMessage(''), 8000);
    return () => clearTimeout(timer);
  }, [message]);
  useEffect(() => {
    announcer = setMessage;
    return () => {
      announcer = undefined;
    };
  }, []);
  return (
    <p class="announcer" role="status" aria-live="polite">
      {message}
    </p>
  );
}

/**
 * The end of every form in a dialog: the failure no field shows (an alert), Cancel, and the
 * submit button, which says what it is doing while the request runs. `danger` marks a submit
 * that cannot be undone (delete, retire, end a connection).
 */
export function FormEnd(props: {
  error?: string;
  busy: boolean;
  submit: string;
  submitting: string;
  onCancel: () => void;
  danger?: boolean;
}) {
  return (
    <>
      {props.error && (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
      <div class="buttons">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" class={props.danger ? 'danger' : 'primary'} disabled={props.busy}>
          {props.busy ? props.submitting : props.submit}
        </button>
      </div>
    </>
  );
}

/** The end of a dialog that only shows something (a key shown once): its one button, Done. */
export function DoneEnd(props: { onDone: () => void }) {
  return (
    <div class="buttons">
      <button type="button" class="primary" onClick={props.onDone} autoFocus>
        Done
      </button>
    </div>
  );
}

/**
 * A dialog's request: `busy` while it runs, and the failure in words when it fails (`explain`
 * may say it better than describeError for the dialog's own refusals, such as the last admin).
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = async (action: () => Promise<void>, explain?: (failure: unknown) => string | undefined) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (failure) {
      setError(explain?.(failure) ?? describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
