/** The small, non-secret picture of the user that pages may show. */
export interface UserSummary {
  id: string;
  email?: string;
  name?: string;
}

/** What the encrypted cookie holds. Times are epoch milliseconds. */
export interface Session {
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: number;
  refreshExpiresAt: number;
  user: UserSummary;
}
