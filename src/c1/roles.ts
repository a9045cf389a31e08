import { z } from 'zod';
import type { RoleInfo } from '../rules/types.js';

/**
 * Roles from `GET /api/v1/iam/roles`, reduced to what rules need to match
 * `scopedRoles` IDs by name. Roles only add names to findings, so a malformed
 * one is skipped (and counted) rather than failing the audit.
 */
const roleSchema = z.object({
  id: z.string().min(1),
  name: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  displayName: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
});

export function checkRoles(items: readonly unknown[]): { roles: RoleInfo[]; skipped: number } {
  const roles: RoleInfo[] = [];
  let skipped = 0;
  for (const item of items) {
    const result = roleSchema.safeParse(item);
    if (result.success) roles.push(result.data);
    else skipped += 1;
  }
  return { roles, skipped };
}
