/** The backend's answers to a sign-in that count as a failed guess (not outages, which are nobody's guess). */
export const REFUSED_CREDENTIALS: ReadonlySet<string> = new Set(['invalid_credentials', 'validation_failed', 'backend_rejected']);
