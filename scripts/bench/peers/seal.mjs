// Each peer's own way to seal a session cookie, imported where the peers are installed (.variants/peers/): the bench
// copies this file there, so the pinned packages resolve from it.
import { generateSessionCookie } from '@auth0/nextjs-auth0/testing';
import { sealData } from 'iron-session';
import { encode } from 'next-auth/jwt';

const TWO_HOURS = 7200;

/** Auth.js v5: its JWT session cookie (`authjs.session-token` on http), encrypted by its own `encode`. */
export const authjsCookie = async ({ id, email, name, accessToken }, secret) =>
  `authjs.session-token=${await encode({ token: { sub: id, name, email, accessToken }, secret, salt: 'authjs.session-token', maxAge: TWO_HOURS })}`;

/** @auth0/nextjs-auth0 v4: the stateless `__session` cookie, from its own testing helper. */
export async function auth0Cookie({ id, email, name, accessToken }, secret) {
  const now = Math.floor(Date.now() / 1000);
  const session = { user: { sub: `auth0|${id}`, email, name }, tokenSet: { accessToken, expiresAt: now + TWO_HOURS }, internal: { sid: `sid-${id}`, createdAt: now } };
  return `__session=${await generateSessionCookie(session, { secret })}`;
}

/** iron-session: its sealed cookie. */
export const ironCookie = async ({ email, accessToken }, secret) => `iron_session=${await sealData({ email, accessToken }, { password: secret })}`;
