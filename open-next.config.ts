import { defineCloudflareConfig } from '@opennextjs/cloudflare';

/** Cloudflare Workers through OpenNext (`npm run cf:build`). Every page here is dynamic: no incremental cache to bind. */
export default defineCloudflareConfig({});
