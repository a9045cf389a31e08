import { createServer } from 'node:net';

/**
 * A loopback port nothing listens on right now: bound, read, released. Used
 * both as "connection refused" and as a free port to give a server.
 */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
