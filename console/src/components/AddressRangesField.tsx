import { useId } from 'preact/hooks';
import { ApiError } from '../api/client';

/** The ranges typed in the field: one a line (commas and spaces separate them too), blanks dropped. */
export function parseRanges(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((range) => range.trim())
    .filter(Boolean);
}

/**
 * What to say next to the field about a refusal: the API's 400 names a bad range by its index
 * (`allowedCidrs.2`), said here with the range it concerns. Undefined: not about the ranges.
 */
export function rangesError(failure: unknown, ranges: string[]): string | undefined {
  const detail =
    failure instanceof ApiError && failure.status === 400
      ? failure.body.details?.find((entry) => entry.path === 'allowedCidrs' || entry.path?.startsWith('allowedCidrs.'))
      : undefined;
  if (!detail) return undefined;
  const range = ranges[Number(detail.path?.split('.')[1])];
  return range === undefined || detail.message.includes(range) ? detail.message : `${range}: ${detail.message}`;
}

/**
 * "Address ranges" of a key: the IPv4 and IPv6 ranges (CIDR) the data API accepts it from, one
 * a line; empty: any address. The one field of both "Add key" and "Allowed addresses".
 */
export function AddressRangesField(props: {
  value: string;
  onInput: (value: string) => void;
  error?: string;
  optional?: boolean;
  autoFocus?: boolean;
}) {
  const id = useId();
  const described = [`${id}-hint`, props.error && `${id}-error`].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={id}>{props.optional ? 'Address ranges (optional)' : 'Address ranges'}</label>
      <small id={`${id}-hint`} class="hint">
        One IPv4 or IPv6 range a line, such as 203.0.113.0/24 or 2001:db8::/32 (a bare address is one host). The data API refuses
        the key from any other address (403). Leave empty to allow any address.
      </small>
      <textarea
        id={id}
        rows={props.optional ? 3 : 5}
        value={props.value}
        spellcheck={false}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={described}
        onInput={(event) => props.onInput(event.currentTarget.value)}
        autoFocus={props.autoFocus}
      />
      {props.error && (
        <p id={`${id}-error`} class="error">
          {props.error}
        </p>
      )}
    </div>
  );
}
