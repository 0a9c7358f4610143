import * as z from '../platform/zod';

/** The five roles of the contract, as in the Clarity Dashboard. */
export const ROLES = ['admin', 'technician', 'analyst', 'observer', 'guest'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** One or more distinct roles; permissions are their union. */
export const rolesSchema = z.array(roleSchema).check(
  z.minLength(1, 'At least one role is required.'),
  z.refine((roles) => new Set(roles).size === roles.length, 'Roles must not repeat.'),
);

/** What a role allows, from section 2 of the contract. */
export type Permission = 'readAllDatasources' | 'readListedDatasources' | 'editAnnotations' | 'manageDatasources' | 'manageOrg';

const PERMISSIONS: Record<Permission, readonly Role[]> = {
  readAllDatasources: ['admin', 'technician', 'analyst', 'observer'],
  readListedDatasources: ['admin', 'technician', 'analyst', 'observer', 'guest'],
  editAnnotations: ['admin', 'technician', 'analyst'],
  manageDatasources: ['admin', 'technician'],
  manageOrg: ['admin'],
};

/** Whether any of `roles` grants `permission`. */
export function allows(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((role) => PERMISSIONS[permission].includes(role));
}

/**
 * The datasources a holder of `roles` may read: all of them, or only `listed` when the only
 * reading role held is guest.
 */
export function readableDatasources(roles: readonly Role[], listed: readonly string[] | undefined): 'all' | Set<string> {
  if (allows(roles, 'readAllDatasources')) return 'all';
  return new Set(allows(roles, 'readListedDatasources') ? (listed ?? []) : []);
}
