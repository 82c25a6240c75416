// Imported from its own module, not from `next/server`: that index also loads `userAgent` and with it ua-parser-js,
// 7.5 KB gzip that the bundler cannot drop (CommonJS) and that the middleware never runs.
export { NextResponse } from 'next/dist/server/web/spec-extension/response.js';
