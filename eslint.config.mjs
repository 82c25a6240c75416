import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: ['.next/**', 'node_modules/**', 'test-results/**', 'next-env.d.ts', '.bench/**', '.variants/**', 'dist/**', '.tools/**', '.open-next/**', '.wrangler/**'] },
  {
    // The demo is a user's app: it reaches the BFF through the package's public entry points only.
    files: ['app/**', 'middleware.ts', 'next.config.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)edge(/|$)', message: "Import from 'next-edge-bff' (or /server, /client, /next-config), as an adopting app would." }] },
      ],
    },
  },
];

export default config;
