import ipaddr from 'ipaddr.js';

/**
 * The one rule of the SSRF guard, shared by the API (IP literals at configuration time) and the
 * worker (resolved addresses at connect time): may Hookline send a request to this IP address?
 *
 * Only globally routable unicast addresses are public. Anything that is not a valid IP address
 * (a hostname, garbage) is not public either, so callers fail closed.
 */
export function isPublicAddress(ip: string): boolean {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.parse(ip);
  } catch {
    return false;
  }
  return address.kind() === 'ipv4' ? isPublicIPv4(address as ipaddr.IPv4) : isPublicIPv6(address as ipaddr.IPv6);
}

function isPublicIPv4(address: ipaddr.IPv4): boolean {
  // ipaddr.js names every special-purpose block (private, loopback, linkLocal, carrierGradeNat,
  // multicast, unspecified, broadcast, reserved, ...); what is left is 'unicast'.
  return address.range() === 'unicast';
}

// Global unicast is 2000::/3; the rest of the IPv6 space (including the deprecated
// IPv4-compatible ::a.b.c.d form, which ipaddr.js calls 'unicast') is not routable on the internet.
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
// The well-known NAT64 prefix carries an IPv4 address in its last 32 bits; the gateway connects to it.
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

function isPublicIPv6(address: ipaddr.IPv6): boolean {
  switch (address.range()) {
    case 'unicast':
      return address.match(GLOBAL_UNICAST_V6);
    case '6to4':
      // 2002:AABB:CCDD::/48 is tunnelled to the IPv4 address AA.BB.CC.DD.
      return isPublicIPv4(embeddedIPv4(address.parts[1], address.parts[2]));
    case 'rfc6052':
      return address.match(NAT64_WELL_KNOWN) && isPublicIPv4(embeddedIPv4(address.parts[6], address.parts[7]));
    default:
      // ipv4Mapped (::ffff:0:0/96, refused outright), rfc6145, teredo (its client address is
      // obfuscated and the protocol is obsolete), loopback, linkLocal, uniqueLocal, multicast, ...
      return false;
  }
}

function embeddedIPv4(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}
