import { clientIdProblem, parseClientId } from './credentials.js';

/**
 * The tenant named in reports and alert subjects: the host in the client ID
 * (`name@acme.conductor.one/pcc` → `acme.conductor.one`), else the API URL's
 * host. The API URL itself is validated and derived by the configuration
 * loader (`src/config/checks.ts`), before anything here runs.
 */
export function tenantFor(clientId: string | null, baseUrl: string): string {
  if (clientId !== null && clientIdProblem(clientId) === null) return parseClientId(clientId).tenantHost;
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}
