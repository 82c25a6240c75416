import NextAuth from 'next-auth';
import Credentials from 'next-auth/providers/credentials';

// Auth.js v5 with its default JWT session strategy; the access token for the API kept in the JWT (its guide's
// "Integrating third-party backends": the `jwt` and `session` callbacks).
export const { handlers, auth } = NextAuth({
  secret: process.env.AUTH_SECRET,
  trustHost: true,
  session: { strategy: 'jwt' },
  providers: [Credentials({ credentials: { email: {}, password: {} }, authorize: async () => null })],
  callbacks: {
    jwt: ({ token }) => token,
    session: ({ session, token }) => ({ ...session, accessToken: token.accessToken }),
  },
});
