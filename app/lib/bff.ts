import { createBff } from 'next-edge-bff';

/** The demo's one BFF: everything from the environment (see .env.example); options in code would go here. */
export const bff = createBff();
