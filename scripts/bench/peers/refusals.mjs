// Why a run of `npm run bench:peers` must not be reported: an answer that was not the signed-in user's page, or a
// network call an app made on its own (the guard's log, net-guard.mjs). The backend is the one address allowed: for
// the sign-ins before the run (`since`), and while an API-calling page is measured.

/**
 * `runs`: { 'shape/app': [{ errors, firstError }] }; `windows`: [{ name, api, t0, t1 }] of every measured load;
 * `connections`: { app: [{ at, what }] } as the guard logged them. Returns one sentence per problem.
 */
export function refusals({ runs, windows, connections, backendPort, since }) {
  const problems = [];
  for (const [key, rs] of Object.entries(runs)) {
    const errors = rs.reduce((n, r) => n + r.errors, 0);
    if (errors) problems.push(`${key}: ${errors} answer(s) were not the signed-in user's page (first: ${JSON.stringify(rs.find((r) => r.firstError)?.firstError)})`);
  }
  for (const [name, entries] of Object.entries(connections)) {
    for (const { at, what } of entries) {
      if (what !== `connect 127.0.0.1:${backendPort}`) {
        problems.push(`${name} made a network call: ${what}`);
        continue;
      }
      if (at < since) continue;
      if (windows.some((w) => w.name === name && !w.api && at >= w.t0 && at <= w.t1)) problems.push(`${name} called the backend while serving a page that needs no API`);
    }
  }
  return problems;
}
