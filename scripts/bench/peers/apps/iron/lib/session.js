export const sessionOptions = { password: process.env.IRON_PASSWORD, cookieName: 'iron_session', cookieOptions: { secure: false } };
