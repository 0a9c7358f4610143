import createClient from 'openapi-fetch';
import type { SignInConfig } from '../config';
import { currentToken, renewSession } from '../auth/session';
import type { components, paths } from './schema';

/**
 * The one way the console calls the API: a client typed from the OpenAPI document the API
 * serves (generated at build time), so a screen cannot drift from the routes. It adds the
 * person's ID token and turns an ended session into a sign-in round trip that keeps drafts.
 */

export type Schemas = components['schemas'];
export type Role = Schemas['Person']['roles'][number];
export const ROLES: readonly Role[] = ['admin', 'technician', 'analyst', 'observer', 'guest'];

interface ErrorBody {
  message: string;
  code: string;
  details?: { path?: string; message: string }[];
}

/** An API refusal, with the contract's error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
  }

  /** The message of a detail about `field`, if any. */
  detailFor(field: string): string | undefined {
    return this.body.details?.find((detail) => detail.path === field || detail.path?.startsWith(`${field}.`))?.message;
  }
}

/** The session ended and the console is on its way to the sign-in page. */
export class SessionEndedError extends Error {
  constructor() {
    super('Your session has ended. Signing you in again; what you typed is kept.');
  }
}

let config: SignInConfig | undefined;

/** Gives the client the sign-in settings it renews an ended session with. */
export function setSignInConfig(value: SignInConfig): void {
  config = value;
}

export const api = createClient<paths>({ baseUrl: location.origin });

api.use({
  onRequest({ request }) {
    const token = currentToken();
    if (!token) {
      void renewSession(config!);
      throw new SessionEndedError();
    }
    request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) {
      void renewSession(config!);
      throw new SessionEndedError();
    }
    return response;
  },
});

/** The data of an openapi-fetch answer, or an ApiError with the contract's body. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) {
    const body = (error ?? {}) as Partial<ErrorBody>;
    throw new ApiError(response.status, {
      message: body.message ?? `The API answered HTTP ${response.status}.`,
      code: body.code ?? 'unknown',
      ...(body.details ? { details: body.details } : {}),
    });
  }
  return data as T;
}

/** Words for a failure, for a person: a refusal is explained, never a blank screen. */
export function describeError(error: unknown): string {
  if (error instanceof SessionEndedError) return error.message;
  if (error instanceof ApiError) {
    if (error.status === 403) return `Your roles in this organization do not allow this. (${error.body.message})`;
    if (error.status === 404) return `Not found: ${error.body.message}`;
    if (error.status === 429 || error.status === 503)
      return `The service is busy; try again in a moment. (${error.body.message})`;
    return error.body.message;
  }
  if (error instanceof TypeError) return 'The API could not be reached. Check your connection and try again.';
  return error instanceof Error ? error.message : String(error);
}
