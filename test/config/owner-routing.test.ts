import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import { keysOf, tempDirs, writeJson } from './helpers.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const MAIL_ENV = { SMTP_URL: 'smtp://127.0.0.1:2525', ALERT_EMAIL_TO: 'secops@acme.example', ALERT_EMAIL_FROM: 'hygiene@acme.example' };

async function validate(alerts: Record<string, unknown>, env: Record<string, string> = MAIL_ENV) {
  const cwd = await dirs.make();
  const path = await writeJson(cwd, 'config.json', { alerts });
  return validateConfig({ configPath: path, cwd, env });
}

describe('alerts.routeToOwners and alerts.ownerDomains', () => {
  it('default to off, with no domains', async () => {
    const { config, problems } = await validate({});
    expect(problems).toEqual([]);
    expect(config?.alerts).toMatchObject({ routeToOwners: false, ownerDomains: [] });
  });

  it('routing with domains loads them lower-case', async () => {
    const { config, problems } = await validate({ routeToOwners: true, ownerDomains: ['Acme.Example', 'corp.example'] });
    expect(problems).toEqual([]);
    expect(config?.alerts).toMatchObject({ routeToOwners: true, ownerDomains: ['acme.example', 'corp.example'] });
  });

  it.each([[undefined], [[]]])('routing without domains (%j) is an error naming alerts.ownerDomains', async (ownerDomains) => {
    const { config, problems } = await validate({ routeToOwners: true, ...(ownerDomains ? { ownerDomains } : {}) });
    expect(config).toBeNull();
    expect(keysOf(problems)).toEqual(['alerts.ownerDomains']);
    expect(problems[0]?.message).toContain('required when alerts.routeToOwners is true');
  });

  it('a domain that is not an exact domain name is an error naming its index', async () => {
    const { problems } = await validate({ routeToOwners: true, ownerDomains: ['acme.example', '*.corp.example', '@x.example'] });
    expect(keysOf(problems)).toEqual(['alerts.ownerDomains[1]', 'alerts.ownerDomains[2]']);
    expect(problems[0]?.message).toContain('wildcards are not accepted');
  });

  it('routing without e-mail configured is an error naming alerts.routeToOwners', async () => {
    const { problems } = await validate({ routeToOwners: true, ownerDomains: ['acme.example'] }, {});
    expect(keysOf(problems)).toEqual(['alerts.routeToOwners']);
    expect(problems[0]?.message).toContain('SMTP_URL');
  });

  it('a wrong type is an error naming the key', async () => {
    const { problems } = await validate({ routeToOwners: 'yes', ownerDomains: 'acme.example' });
    expect(keysOf(problems).sort()).toEqual(['alerts.ownerDomains', 'alerts.routeToOwners']);
  });
});
