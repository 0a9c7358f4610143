import { SignJWT, jwtVerify } from 'jose';
import { getContinuationKey } from '../store/secrets';
import { BadRequestError } from '../platform/errors';
import { CONTINUATION_TOKEN_LIFETIME_SECONDS } from '../platform/limits';

/**
 * Continuation tokens: HS256 JWTs (jose) that carry the original query and the receipt position
 * of the last answer. They are bound to the application (`sub`), the org and the query (both in
 * the signed payload), and expire after 24 hours. Anything altered, foreign or expired is 400.
 */

const AUDIENCE = 'datagate:continuation';

export interface ContinuationState<Q> {
  org: string;
  query: Q;
  /** Everything at or before this receipt position has been delivered (apart from a backlog). */
  mark: string;
  /** The part of the query's window its answers had no room for yet: where the next one resumes. */
  backlog?: { now: number; after: { time: string; datasourceId: string } };
}

export async function signContinuationToken<Q>(
  applicationId: string,
  state: ContinuationState<Q>,
  now = new Date(),
): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({
    org: state.org,
    query: state.query,
    mark: state.mark,
    ...(state.backlog ? { backlog: state.backlog } : {}),
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(applicationId)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + CONTINUATION_TOKEN_LIFETIME_SECONDS)
    .sign(await getContinuationKey());
}

const refused = () =>
  new BadRequestError('continuationToken is not valid: altered, expired, or issued for another application, org or query.');

/** The state of a token this application received for `org`; 400 otherwise. */
export async function verifyContinuationToken<Q>(
  token: string,
  applicationId: string,
  org: string,
): Promise<ContinuationState<Q>> {
  // Outside the try: a key that cannot be read is a failure of ours (5xx), not a refused token.
  const key = await getContinuationKey();
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      audience: AUDIENCE,
      subject: applicationId,
    }));
  } catch {
    throw refused();
  }
  if (payload.org !== org || typeof payload.mark !== 'string' || typeof payload.query !== 'object' || payload.query === null) {
    throw refused();
  }
  const backlog = payload.backlog as ContinuationState<Q>['backlog'] | undefined;
  if (
    backlog !== undefined &&
    (typeof backlog !== 'object' ||
      backlog === null ||
      typeof backlog.now !== 'number' ||
      typeof backlog.after?.time !== 'string' ||
      typeof backlog.after?.datasourceId !== 'string')
  ) {
    throw refused();
  }
  return { org, query: payload.query as Q, mark: payload.mark, ...(backlog ? { backlog } : {}) };
}
