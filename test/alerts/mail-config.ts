import type { EmailConfig } from '../../src/alerts/transport.js';
import { Secret } from '../../src/secret.js';

export function emailConfig(smtpUrl: string | null, overrides: Partial<EmailConfig> = {}): EmailConfig {
  return {
    to: ['security@example.com', 'oncall@example.com'],
    from: 'c1-hygiene@example.com',
    smtpUrl: smtpUrl === null ? null : new Secret(smtpUrl),
    timeoutMs: 5000,
    retries: 0,
    ...overrides,
  };
}

/** No real waiting between retries: the tests are about what is sent, not when. */
export const noSleep = async (): Promise<void> => undefined;
