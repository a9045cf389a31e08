/**
 * A local C1 API simulator: a real HTTP server on loopback that behaves like
 * a C1 tenant for everything this tool calls. Tests drive it to exercise the
 * client against real sockets; the `demo` command uses it as its data source.
 */
export { startSimulator, type Simulator, type SimulatorOptions, type RecordedRequest } from './server.js';
export { generateCredential, type GeneratedCredential, type PublicEd25519Jwk } from './credentials.js';
export type { Fault, FaultSpec, FaultRoute, SimulatorRoute } from './faults.js';
export { BUILTIN_ROLES, type SimulatedRole } from './roles.js';
export { CLIENT_ASSERTION_TYPE } from './tokens.js';
