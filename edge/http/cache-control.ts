/** Every response that sets or clears the session carries this, so no shared cache stores it. */
export const NO_STORE = 'private, no-store';
