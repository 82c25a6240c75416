// One load run, in its own process (pinned to its own core by the caller): prints autocannon's result as JSON.
import autocannon from 'autocannon';

const { url, headers = {}, connections = 16, duration = 5, warmup = 2 } = JSON.parse(process.argv[2]);
const run = (seconds) => autocannon({ url, headers, connections, duration: seconds, pipelining: 1 });

if (warmup > 0) await run(warmup);
const result = await run(duration);
console.log(
  JSON.stringify({
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
  }),
);
