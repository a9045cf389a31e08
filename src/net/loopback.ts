import { BlockList, isIPv4, isIPv6 } from 'node:net';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * Hosts that never leave the machine: 127.0.0.0/8, ::1 (IPv4-mapped and long
 * forms included) and `localhost`. The only hosts where plain `http://` to C1
 * and plaintext SMTP AUTH are allowed; anything else counts as remote.
 * `hostname` is as `URL` gives it (IPv6 in brackets, case as written).
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost' || host === 'localhost.') return true;
  if (isIPv4(host)) return LOOPBACK.check(host, 'ipv4');
  if (isIPv6(host)) return LOOPBACK.check(host, 'ipv6');
  return false;
}
