export interface LoginError {
  code: string;
  message?: string;
  retryAfter?: number;
}

/** What the form shows for each error code of the login API. */
export function describeLoginError(error: LoginError): string {
  switch (error.code) {
    case 'rate_limited':
      return `Too many attempts, try again in ${error.retryAfter ?? 60} s.`;
    case 'backend_unreachable':
    case 'backend_timeout':
    case 'backend_error':
      return 'The sign-in service is unavailable right now. Please try again in a moment.';
    case 'maintenance':
      return error.message ?? 'The service is under maintenance. Please try again shortly.';
    case 'csrf_rejected':
      return 'This form must be submitted from this site.';
    default:
      return error.message ?? 'Sign-in failed.';
  }
}
