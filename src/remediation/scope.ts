import type { AppConfig } from '../config/types.js';
import type { Scope } from './types.js';

/**
 * The scope the configuration audits (`c1.scope`, default `self`). Read
 * defensively: a configuration without the key is a `self` one.
 */
export function scopeOf(config: AppConfig): Scope {
  const scope = (config.c1 as { scope?: unknown }).scope;
  return scope === 'tenant' ? 'tenant' : 'self';
}
