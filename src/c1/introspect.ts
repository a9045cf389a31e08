import { z } from 'zod';
import { HygieneError } from '../errors.js';

/** Who a token belongs to, from `GET /api/v1/auth/introspect`. */
export interface Introspection {
  userId: string;
  tenantId: string;
  roles: string[];
  permissions: string[];
}

const introspectionSchema = z.object({
  userId: z.string(),
  tenantId: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  roles: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
  permissions: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
});

export function checkIntrospection(body: unknown): Introspection {
  const result = introspectionSchema.safeParse(body);
  if (!result.success) {
    const field = String(result.error.issues[0]?.path[0] ?? '(body)');
    throw new HygieneError('C1_BAD_RESPONSE', `C1 returned an introspect answer whose "${field}" is missing or of the wrong type`, {
      details: { resource: 'introspect', field },
    });
  }
  return result.data;
}
