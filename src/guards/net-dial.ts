import { promises as dns } from 'node:dns';
import ipaddr from 'ipaddr.js';
import { checkAddress, type PermittedRange } from './net.js';

/** Every address a host name resolves to. */
export type Resolver = (host: string) => Promise<readonly { address: string; family: number }[]>;

export const systemResolver: Resolver = (host) => dns.lookup(host, { all: true, verbatim: true });

/** A resolved address the policy refused: the request never dialled. */
export class ForbiddenAddress extends Error {
  override readonly name = 'ForbiddenAddress';
}

type LookupCallback = (
  error: Error | null,
  address: string | { address: string; family: number }[],
  family?: number,
) => void;

/** The `lookup` option of `net.connect` / `tls.connect`. */
export type LookupFunction = (hostname: string, options: { all?: boolean }, callback: LookupCallback) => void;

/**
 * A `lookup` for the connection itself, so that the addresses checked are the addresses dialled: it resolves
 * the name once, refuses the host if any address is not allowed (a name that mixes public and internal
 * addresses is not trusted), and hands the connection only the checked addresses. There is no second lookup to
 * rebind between the check and the connect.
 */
export function checkedLookup(resolve: Resolver, permitted: readonly PermittedRange[]): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (found) => {
        if (found.length === 0) return callback(new Error(`host "${hostname}" has no addresses`), '');
        const checked: { address: string; family: number }[] = [];
        for (const { address } of found) {
          const verdict = ipaddr.isValid(address)
            ? checkAddress(ipaddr.parse(address), permitted)
            : ({ ok: false, reason: `"${address}" is not an address` } as const);
          if (!verdict.ok) {
            const why = `host "${hostname}" resolves to a forbidden address: ${verdict.reason}`;
            return callback(new ForbiddenAddress(why), '');
          }
          checked.push({ address, family: address.includes(':') ? 6 : 4 });
        }
        if (options.all) return callback(null, checked);
        const first = checked[0] as { address: string; family: number };
        return callback(null, first.address, first.family);
      },
      (error: Error) => callback(error, ''),
    );
  };
}
