'use client';

import { useState, type FormEvent } from 'react';
import { loginErrorMessage, type LoginErrorInfo } from 'next-edge-bff/client';

interface Props {
  next: string;
  initialError?: LoginErrorInfo;
}

/** Works without JavaScript (a native form post answered with 303); with it, posts JSON and shows errors inline. */
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
    try {
      const res = await fetch('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: form.get('email'), password: form.get('password') }),
      });
      if (res.ok) {
        window.location.assign(next);
        return;
      }
      const body = (await res.json().catch(() => ({}))) as { error?: string; message?: string; fields?: Record<string, string[]>; retryAfter?: number };
      setFields(body.fields ?? {});
      setError({ code: body.error ?? 'backend_error', message: body.message, retryAfter: body.retryAfter });
    } catch {
      setError({ code: 'backend_unreachable' });
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
