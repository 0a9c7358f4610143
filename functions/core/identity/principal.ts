import type { Grants } from '../applications';

/**
 * Who is calling, as resolved by an authorizer and handed to the handler through API Gateway's
 * authorizer context (flat string values only, hence `grants` travels as JSON).
 */

export interface PersonPrincipal {
  type: 'person';
  sub: string;
  email?: string;
  emailVerified: boolean;
}

export interface ApplicationPrincipal {
  type: 'application';
  applicationId: string;
  keyId: string;
  ownerOrgId: string;
  grants: Grants;
  /** The grants outgrew the key's snapshot: `grants` is empty and each org's grant is read (identity/access.ts). */
  grantsPerOrg?: boolean;
}

export type Principal = PersonPrincipal | ApplicationPrincipal;

export type AuthorizerContext = Record<string, string>;

export function toAuthorizerContext(principal: Principal): AuthorizerContext {
  if (principal.type === 'person') {
    return {
      type: 'person',
      sub: principal.sub,
      email: principal.email ?? '',
      emailVerified: String(principal.emailVerified),
    };
  }
  return {
    type: 'application',
    applicationId: principal.applicationId,
    keyId: principal.keyId,
    ownerOrgId: principal.ownerOrgId,
    grants: JSON.stringify(principal.grants),
    ...(principal.grantsPerOrg ? { grantsPerOrg: 'true' } : {}),
  };
}

/** Reads the principal back; undefined when the context is not of the expected kind. */
export function fromAuthorizerContext(context: Record<string, unknown> | null | undefined): Principal | undefined {
  if (!context) return undefined;
  if (context.type === 'person' && typeof context.sub === 'string') {
    return {
      type: 'person',
      sub: context.sub,
      ...(typeof context.email === 'string' && context.email !== '' ? { email: context.email } : {}),
      emailVerified: context.emailVerified === 'true' || context.emailVerified === true,
    };
  }
  if (context.type === 'application' && typeof context.applicationId === 'string' && typeof context.grants === 'string') {
    return {
      type: 'application',
      applicationId: context.applicationId,
      keyId: String(context.keyId),
      ownerOrgId: String(context.ownerOrgId),
      grants: JSON.parse(context.grants) as Grants,
      ...(context.grantsPerOrg === 'true' || context.grantsPerOrg === true ? { grantsPerOrg: true } : {}),
    };
  }
  return undefined;
}
