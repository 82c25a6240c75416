/**
 * The identifier as a rate-limit key: trimmed, compatibility-normalised (full-width and ligature forms), stripped of
 * accents and invisible characters, and case-folded (`ẞ` and `ß` → `ss`). Over-merging is safe here (twins share one budget);
 * under-merging would hand a guesser a fresh budget per spelling.
 */
export function identifierForLimits(identifier: string): string {
  return identifier
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .normalize('NFKC')
    .toLowerCase()
    .toUpperCase()
    .toLowerCase()
    .replace(/[\s\p{Cf}]/gu, '');
}

/**
 * The client address as a rate-limit key: IPv4 as is (also when mapped into IPv6), IPv6 by its /64 network, since
 * one subscriber commonly holds a whole /64 and could otherwise take a fresh budget from every address in it.
 */
export function networkForLimits(ip: string): string {
  const address = ip.replace(/^\[|\]$/g, '').split('%')[0].toLowerCase();
  if (!address.includes(':')) return address;
  const mapped = /^(?:0{0,4}:){0,5}(?:ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address.replace(/^::/, '0:'));
  if (mapped) return mapped[1];
  const [head, tail, extra] = address.split('::');
  if (extra !== undefined) return address;
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return address;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
