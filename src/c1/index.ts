/** The C1 API client: what the rest of the tool imports from `src/c1`. */
export { C1Client, createC1Client, type C1ClientOptions, type PersonalClientListing } from './client.js';
export { tenantFor } from './api-url.js';
export { createTokenSource, type TokenSource, type TokenSourceOptions } from './token-source.js';
export type { Introspection } from './introspect.js';
export {
  parseClientId,
  parseClientSecret,
  clientIdProblem,
  clientSecretProblem,
  audienceFor,
  type ParsedClientId,
  type ParsedClientSecret,
} from './credentials.js';
