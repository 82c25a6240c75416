import { fileURLToPath } from 'node:url';

// The peers share one install (.variants/peers/node_modules): Turbopack's root is that folder.
const config = { poweredByHeader: false, turbopack: { root: fileURLToPath(new URL('../..', import.meta.url)) } };

export default config;
