'use client';

import { useState, type FormEvent } from 'react';
import { loginErrorMessage, signIn, type LoginErrorInfo } from 'next-edge-bff/client';

interface Props {
  next: string;
  initialError?: LoginErrorInfo;
}

/** Works without JavaScript (a native form post answered with 303); with it, `signIn()` and errors shown inline. */
export function LoginForm({ next, initialError }: Props) {
  const [error, setError] = useState<LoginErrorInfo | undefined>(initialError);
  const [fields, setFields] = useState<Record<string, string[]>>({});
  const [submitting, setSubmitting] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setSubmitting(true);
    setError(undefined);
    setFields({});
    const result = await signIn({ email: String(form.get('email') ?? ''), password: String(form.get('password') ?? ''), next });
    if (result?.ok) return; // on its way to `next`
    if (result) {
      setFields(result.error.fields ?? {});
      setError(result.error);
    }
    setSubmitting(false);
  }

  return (
    <form method="post" action="/api/auth/login" onSubmit={onSubmit} noValidate>
      <input type="hidden" name="next" value={next} />
      {error ? (
        <p className="error" role="alert" data-testid="login-error">
          {loginErrorMessage(error)}
        </p>
      ) : null}
      <label htmlFor="email">Email</label>
      <input id="email" name="email" type="email" autoComplete="username" required />
      {fields.email?.map((m) => (
        <p key={m} className="field-error" data-testid="email-error">
          {m}
        </p>
      ))}
      <label htmlFor="password">Password</label>
      <input id="password" name="password" type="password" autoComplete="current-password" required />
      {fields.password?.map((m) => (
        <p key={m} className="field-error" data-testid="password-error">
          {m}
        </p>
      ))}
      <p>
        <button type="submit" disabled={submitting} data-testid="login-submit">
          {submitting ? 'Signing in…' : 'Sign in'}
        </button>
      </p>
    </form>
  );
}
