// Where a webhook may connect (no SSRF, docs/integrations.md): the address a host name resolves
// to is checked when the connection is made (a custom `lookup` on the request), so a name that
// resolves to a public address at creation and to an internal one later is still refused.
// Internal receivers are named in WEBHOOK_ALLOWED_HOSTS; WEBHOOK_ALLOW_PUBLIC=false leaves only
// the allow-list (tests and the fuzz run: nothing leaves loopback, not even a DNS query).
import dns from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import type { WebhookConfig } from '../../config.js';

// Addresses that are not public (IANA special-purpose registries): loopback, private, shared,
// link-local (cloud metadata), documentation, benchmarking, multicast and reserved ranges.
const NOT_PUBLIC_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
];
const NOT_PUBLIC_V6 = [
  '::/127',
  '64:ff9b::/96',
  '64:ff9b:1::/48',
  '100::/64',
  '2001::/23',
  '2001:db8::/32',
  '2002::/16',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
];

const notPublic = new BlockList();
for (const net of NOT_PUBLIC_V4) {
  const [address = '', prefix] = net.split('/');
  notPublic.addSubnet(address, Number(prefix), 'ipv4');
}
for (const net of NOT_PUBLIC_V6) {
  const [address = '', prefix] = net.split('/');
  notPublic.addSubnet(address, Number(prefix), 'ipv6');
}

export class EgressRefused extends Error {
  override name = 'EgressRefused';
}

/** ::ffff:a.b.c.d is a.b.c.d (and checked as such). */
function unmapped(address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match ? match[1]! : address;
}

export class EgressPolicy {
  private readonly allowed = new BlockList();
  private readonly hosts: ReadonlySet<string>;

  constructor(
    private readonly config: Pick<
      WebhookConfig,
      'allowPublic' | 'allowedHosts' | 'allowedNetworks'
    >,
  ) {
    this.hosts = new Set(config.allowedHosts);
    for (const entry of config.allowedNetworks) {
      const [address = '', prefix] = entry.split('/');
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) this.allowed.addAddress(address, family);
      else this.allowed.addSubnet(address, Number(prefix), family);
    }
  }

  /** Why a connection to `address` is refused, or undefined when it is allowed. */
  refusal(address: string): string | undefined {
    const plain = unmapped(address);
    const family = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
    if (this.allowed.check(plain, family)) return undefined;
    if (!this.config.allowPublic) return `${plain} is not in WEBHOOK_ALLOWED_HOSTS`;
    if (notPublic.check(plain, family))
      return `${plain} is not a public address (allow it with WEBHOOK_ALLOWED_HOSTS)`;
    return undefined;
  }

  /**
   * Why a URL is refused before any connection (scheme, credentials, an address literal or a name
   * that may not be resolved), or undefined. Names allowed here are checked again once resolved.
   */
  urlRefusal(raw: string): string | undefined {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return 'is not a valid URL';
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return 'must be an http or https URL';
    if (url.username || url.password) return 'must not contain credentials';
    const host = hostOf(url);
    if (isIP(host)) return this.refusal(host);
    if (this.hosts.has(host)) return undefined;
    // No lookup at all when only the allow-list may be reached: not even DNS leaves the host.
    if (!this.config.allowPublic) return `${host} is not in WEBHOOK_ALLOWED_HOSTS`;
    return undefined;
  }

  /** A `lookup` for http.request that refuses names resolving to a forbidden address. */
  lookupFor(host: string) {
    const trusted = this.hosts.has(host);
    return (
      hostname: string,
      options: LookupOptions,
      callback: (
        error: NodeJS.ErrnoException | null,
        address: string | LookupAddress[],
        family?: number,
      ) => void,
    ) => {
      dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
        if (error) return callback(error, '', 0);
        const refused = trusted
          ? undefined
          : addresses.map((a) => this.refusal(a.address)).find((r) => r !== undefined);
        if (refused) return callback(new EgressRefused(refused), '', 0);
        if (options.all) return callback(null, addresses);
        const first = addresses[0];
        if (!first) return callback(new EgressRefused(`${hostname} has no address`), '', 0);
        callback(null, first.address, first.family);
      });
    };
  }
}

/** The host of a URL as connect() sees it: lower case, IPv6 without brackets. */
export const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
