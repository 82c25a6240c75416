// Preloaded into every server `npm run bench:peers` starts (NODE_OPTIONS=--import): every outbound TCP connection
// whose port is not in BENCH_NET_ALLOW is written to BENCH_NET_LOG, and the bench refuses to report when any was.
// Every client in Node (http, https, fetch/undici, ioredis, the edge sandbox's fetch) connects through
// net.Socket.prototype.connect, and every name resolution through dns.lookup.
import dns from 'node:dns';
import fs from 'node:fs';
import net from 'node:net';

const log = process.env.BENCH_NET_LOG;
const allowed = new Set((process.env.BENCH_NET_ALLOW ?? '').split(',').filter(Boolean));
const note = (what) => {
  if (log) fs.appendFileSync(log, `${Date.now()} ${process.pid} ${what}\n`);
};

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  // net.connect() hands over its arguments normalised: [options, callback].
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === 'object' && first !== null ? first : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
  // A unix socket has a path and no port (an http request's options carry its URL path beside the port).
  if (options.port !== undefined && !allowed.has(String(options.port))) note(`connect ${options.host ?? 'localhost'}:${options.port}`);
  return connect.apply(this, args);
};

/** Name resolutions, callback and promise forms alike. */
function guardLookup(target) {
  const lookup = target.lookup;
  target.lookup = function guardedLookup(hostname, ...rest) {
    if (hostname !== 'localhost' && !net.isIP(hostname)) note(`lookup ${hostname}`);
    return lookup.call(this, hostname, ...rest);
  };
}
guardLookup(dns);
guardLookup(dns.promises);
