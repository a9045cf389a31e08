/**
 * The demo's sample tenant: keys shaped like a real team's, owned by several
 * people (one of whom has left: their account is disabled), dated relative
 * to "now" so every rule of the catalogue fires at least once whenever the
 * demo runs, next to keys that are clean.
 */
import { DAY_MS as DAY } from '../clock.js';

export const DEMO_TENANT = 'acme.conductor.one';

/**
 * The e-mail domain of the demo's sample owners: the demo routes alerts to
 * owners in it (`alerts.ownerDomains`), so each owner's digest is captured
 * next to the admin digest.
 */
export const DEMO_OWNER_DOMAIN = 'acme.example';

export const DEMO_ROLES = [
  { id: '2Ea0Vd1l9mzcOOZw3nBuLiUsXsv', name: 'super_admin', displayName: 'Super Administrator' },
  { id: '2Ea0VeN9RlXqItYFa6obVgoZh8j', name: 'read_only_super_admin', displayName: 'Read-only Super Administrator' },
  { id: '2Ea0VfJ0cc5EQdJMpIZGRXKdyst', name: 'basic_user', displayName: 'Basic user' },
  { id: '2Ea0Vg1p4kY8Xh1Ku3ToCmD8ZVw', name: 'system_log_reader', displayName: 'Read-only to system logs' },
];

const [SUPER_ADMIN, , BASIC_USER, LOG_READER] = DEMO_ROLES.map((role) => role.id) as [string, string, string, string];

/** The tenant's people, as C1's user search returns them; every address is in the demo's owner domain, acme.example. */
export const DEMO_USERS = [
  demoUser('2Ea0ZbbbTb0NAYSsvpD3kPRVJbe', 'Priya Patel', 'priya.patel@acme.example', 'ENABLED'),
  demoUser('2Ea0ZcccQx4LmWk2T9aHfYbN3Rd', 'Marco Rossi', 'marco.rossi@acme.example', 'ENABLED'),
  demoUser('2Ea0ZdddVb7JpEs5Y1cKgUzM8Lq', 'Amara Okafor', 'amara.okafor@acme.example', 'ENABLED'),
  // Left the company last month: her account was disabled, her keys were not.
  demoUser('2Ea0ZeeeHt2NrCu8W6dPjXaQ5Sv', 'Jordan Lee', 'jordan.lee@acme.example', 'DISABLED'),
];

const [PRIYA, MARCO, AMARA, JORDAN] = DEMO_USERS.map((user) => user.id) as [string, string, string, string];

function demoUser(id: string, displayName: string, email: string, status: string) {
  return { id, displayName, email, emails: [email], username: email.split('@')[0]!, status, type: 'USER_TYPE_HUMAN' };
}

export function demoPersonalClients(now: Date): Record<string, unknown>[] {
  const at = (days: number): string => new Date(now.getTime() + days * DAY).toISOString();
  let serial = 0;
  const key = (displayName: string, fields: Record<string, unknown>): Record<string, unknown> => {
    serial += 1;
    const name = displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    return {
      id: `2Ea1Demo${String(serial).padStart(4, '0')}PersonalClient`,
      clientId: `${name}-${10000 + serial}@${DEMO_TENANT}/pcc`,
      displayName,
      userId: PRIYA,
      createdAt: at(-60),
      updatedAt: at(-60),
      expiresTime: at(90),
      lastUsedAt: at(-1),
      allowSourceCidr: ['203.0.113.0/24'],
      scopedRoles: [BASIC_USER],
      ...fields,
    };
  };

  return [
    // Clean keys: short-lived, recently used, pinned to a network, narrowly scoped.
    key('grafana read-only', { allowSourceCidr: ['198.51.100.10'], scopedRoles: [LOG_READER] }),
    key('backup exporter', { allowSourceCidr: ['2001:db8:42::/56'], expiresTime: at(30), userId: MARCO }),
    // One finding each.
    key('ci-deploy (GitHub Actions)', { expiresTime: at(2), userId: MARCO }),
    key('terraform-prod', { expiresTime: at(10), userId: MARCO }),
    key('old laptop script', { createdAt: at(-200), expiresTime: at(-30), lastUsedAt: at(-45), allowSourceCidr: null, scopedRoles: null }),
    key('quarterly report bot', { lastUsedAt: at(-120), userId: AMARA }),
    key('never-touched migration key', { createdAt: at(-30), lastUsedAt: '0001-01-01T00:00:00Z', userId: AMARA }),
    key('office VPN', { allowSourceCidr: ['10.0.0.0/8'] }),
    key('build <bot> & "friends"', { allowSourceCidr: ['203.0.113.0/24', '10.0.0.300'], userId: MARCO }),
    key('admin automation', { scopedRoles: [SUPER_ADMIN] }),
    key('five-year integration', { createdAt: at(-10), expiresTime: at(5 * 365), userId: AMARA }),
    // Left behind by someone who left: otherwise a clean key, and still usable.
    key('sales dashboard sync', { userId: JORDAN }),
    // Several at once: the key a hygiene audit exists to catch.
    key('laptop token (do not share)', {
      expiresTime: undefined,
      allowSourceCidr: ['0.0.0.0/0', '::/0'],
      scopedRoles: null,
      userId: JORDAN,
    }),
    key('jenkins legacy', { expiresTime: '', allowSourceCidr: [], scopedRoles: [] }),
    // Deleted keys are not scanned.
    key('revoked contractor key', { deletedAt: at(-5), expiresTime: undefined }),
  ].map(dropUndefined);
}

function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
