/**
 * Whether the API is ready for work, as `GET /health` says it (`ready`). A deployed stack always
 * is. `npm start` is not while it writes the demo's data on a first start (minutes on a busy
 * machine): it says so here, in process, and the banner says when it is done. No I/O.
 */

let notReadyBecause: string | undefined;

/** Marks the API not ready, with why (shown by `/health` as `message`), or ready again (undefined). */
export function setNotReady(reason: string | undefined): void {
  notReadyBecause = reason;
}

/** `ready`, and why not when it is not. */
export function readiness(): { ready: boolean; message?: string } {
  return notReadyBecause === undefined ? { ready: true } : { ready: false, message: notReadyBecause };
}
