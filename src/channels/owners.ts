import type { KeyWarning, Owner } from '../keys/types.js';
import { toSafeLine } from '../report/sanitize.js';
import { isAtLeast } from '../severity.js';
import { EmailChannel } from './email.js';
import { judgeOwnerAddress, normalizeOwnerDomains } from './owner-address.js';
import type { ChannelContext, ChannelSet, ChannelTarget } from './registry.js';

/** Owners in these states have left or been removed: their keys are in the full digest only. */
const INACTIVE_STATUSES: ReadonlySet<string> = new Set(['DISABLED', 'DELETED']);

export const OWNER_CHANNEL_PREFIX = 'owner:';

export function ownerChannelId(userId: string): string {
  return `${OWNER_CHANNEL_PREFIX}${userId}`;
}

/**
 * With `alerts.routeToOwners`, one e-mail channel per key owner who has open
 * findings: it hears only about that owner's keys. An owner is mailed only at
 * one plain address in `alerts.ownerDomains`, and only while active; anyone
 * else's keys stay in the operators' full digest, and an owner who would have
 * been mailed but cannot be gets a report warning saying why.
 */
export function ownerChannels({ config, logger, report, smtp }: ChannelContext): ChannelSet {
  if (!config.alerts.routeToOwners || report === null) return { targets: [], warnings: [] };
  const domains = normalizeOwnerDomains(config.alerts.ownerDomains);

  // Per owner id: the owner as the first finding names them, and whether any finding would be mailed.
  const owners = new Map<string, { owner: Owner; keys: Set<string>; alertable: boolean }>();
  for (const finding of report.findings) {
    if (finding.owner === null) continue;
    let entry = owners.get(finding.owner.id);
    if (!entry) {
      entry = { owner: finding.owner, keys: new Set(), alertable: false };
      owners.set(finding.owner.id, entry);
    }
    entry.keys.add(finding.credentialId);
    if (isAtLeast(finding.severity, config.alerts.minSeverity)) entry.alertable = true;
  }

  const targets: ChannelTarget[] = [];
  const warnings: KeyWarning[] = [];
  let inactive = 0;
  for (const [userId, { owner, keys, alertable }] of owners) {
    if (INACTIVE_STATUSES.has(owner.status)) {
      inactive++;
      continue;
    }
    const verdict = judgeOwnerAddress(owner.email, domains);
    if (!verdict.ok) {
      if (alertable) {
        const message = `owner ${toSafeLine(userId, 100)} (${keys.size} key${keys.size === 1 ? '' : 's'}) is not mailed: ${toSafeLine(verdict.detail, 300)}; their keys are only in the full digest`;
        warnings.push({ credentialId: null, field: 'owner.email', message });
        logger.warn({ ownerId: userId, keys: keys.size, reason: verdict.reason }, 'key owner not mailed; their keys are only in the full digest');
      }
      continue;
    }
    const name = owner.displayName ?? verdict.address;
    const channel = new EmailChannel({
      id: ownerChannelId(userId),
      label: `e-mail to key owner ${toSafeLine(verdict.address, 254)}`,
      to: [verdict.address],
      from: config.alerts.email.from,
      ownerName: name,
      mailer: smtp(),
      logger,
      maxLifetimeDays: config.rules.options.longLived.maxDays,
    });
    targets.push({ channel, covers: (finding) => finding.owner?.id === userId, failureNotices: false });
  }
  if (inactive > 0) logger.info({ owners: inactive }, 'disabled or deleted key owners are not mailed; their keys are in the full digest');
  return { targets, warnings };
}
