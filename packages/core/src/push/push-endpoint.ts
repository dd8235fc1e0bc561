import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import ipaddr from 'ipaddr.js';

/*
 * A subscription names a URL the server will POST to: left unchecked, anyone could make the
 * server a client of the machines beside it (its database, a cloud's metadata address). So a
 * push service must be https at a public address: checked when a device subscribes, and again
 * as each connection is made, on the addresses the name resolves to then (a name that resolved
 * to a public address at subscribe time may not later). Tests allow private addresses for
 * their push service on loopback (PUSH_ALLOW_PRIVATE_ENDPOINTS).
 */

/** Whether an IP address is a public unicast one (not loopback, private, link-local, reserved…). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

/** Why this endpoint may not be pushed to, or null. */
export function endpointProblem(endpoint: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'endpoint is not a URL';
  }
  if (url.protocol !== 'https:') return 'endpoint must be an https URL';
  if (url.username || url.password) return 'endpoint must not carry a user name or password';
  if (allowPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return 'endpoint must be a public push service, not this machine';
  if (ipaddr.isValid(host) && !isPublicAddress(host)) return 'endpoint must be a public push service, not a private or loopback address';
  return null;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for the push agent's connections that drops private addresses from what a name
 * resolves to, and fails when none is left. With `allowPrivate` it is plain DNS.
 */
export function pushServiceLookup(allowPrivate: boolean) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const usable = allowPrivate ? addresses : addresses.filter((a) => isPublicAddress(a.address));
      if (usable.length === 0) {
        const refused: NodeJS.ErrnoException = new Error(
          `${hostname} resolves only to private addresses: not a push service this server will call`,
        );
        refused.code = 'EPRIVATEADDRESS';
        return callback(refused, []);
      }
      if (options.all) callback(null, usable);
      else callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}
