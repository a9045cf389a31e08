import { createServer, type Server, type Socket } from 'node:net';

/**
 * A scripted SMTP peer on 127.0.0.1 that misbehaves the ways `smtp-server`
 * cannot be made to: it speaks the protocol by hand, line by line.
 * - `drip-ehlo`: answers EHLO with a `250-` continuation line every
 *   `dripMs`, never finishing the reply (a server that stalls a client for ever
 *   while looking alive);
 * - `drop-after-data`: takes the whole message (counted in `stored`) and drops
 *   the connection instead of answering `250` (the outcome is unknown to the client).
 */
export interface HostileSmtp {
  port: number;
  url: string;
  /** Messages received in full (up to the final "."). */
  readonly stored: number;
  readonly connections: number;
  close(): Promise<void>;
}

export async function startHostileSmtp(mode: 'drip-ehlo' | 'drop-after-data', options: { dripMs?: number } = {}): Promise<HostileSmtp> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let stored = 0;
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.write('220 hostile.test ESMTP\r\n');
    let buffer = '';
    let inData = false;
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end === -1) return;
          buffer = buffer.slice(end + 5);
          inData = false;
          stored += 1;
          socket.destroy();
          return;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol === -1) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' && mode === 'drip-ehlo') {
          const timer = setInterval(() => socket.write('250-hostile.test still thinking\r\n'), options.dripMs ?? 200);
          timers.add(timer);
          socket.on('close', () => {
            clearInterval(timer);
            timers.delete(timer);
          });
          return;
        }
        if (verb === 'EHLO') socket.write('250-hostile.test\r\n250 8BITMIME\r\n');
        else if (verb === 'HELO' || verb === 'MAIL' || verb === 'RCPT' || verb === 'RSET') socket.write('250 OK\r\n');
        else if (verb === 'DATA') {
          socket.write('354 go ahead\r\n');
          inData = true;
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('502 not implemented\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    get stored() {
      return stored;
    },
    get connections() {
      return connections;
    },
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
