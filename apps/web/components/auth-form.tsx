'use client';

import { Link, useRouter, useSearchParams } from '@/lib/router/router';
import { useEffect, useId, useState, useSyncExternalStore, type FormEvent } from 'react';
import { loginBody, registerBody, type AuthResponse } from '@qc/shared';
import { api } from '@/lib/api';
import { ApiError } from '@/lib/http';
import { safeNextPath, session } from '@/lib/session';
import { AuthShell } from './auth-shell';

type Mode = 'login' | 'register';
type Field = 'username' | 'password' | 'displayName';

/**
 * Sign in and sign up. Input is checked with the same zod schemas the api uses, so people
 * see the rule they broke before a round trip; the api's own message is shown otherwise.
 */
export function AuthForm({ mode }: { mode: Mode }) {
  const router = useRouter();
  const id = useId();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const isRegister = mode === 'register';
  // Why the person is here, when the app sent them (their account was just deleted). Read
  // without useSession, which would restore a session: a visitor's page makes no request.
  const state = useSyncExternalStore(session.subscribe, session.getSnapshot, session.getServerSnapshot);
  const notice = state.status === 'anonymous' ? state.notice : undefined;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    let request: (() => Promise<AuthResponse>) | null = null;
    let issues: readonly { path: readonly PropertyKey[]; message: string }[] = [];
    if (isRegister) {
      const parsed = registerBody.safeParse({ username, password, ...(displayName.trim() ? { displayName } : {}) });
      if (parsed.success) request = () => api.register(parsed.data);
      else issues = parsed.error.issues;
    } else {
      const parsed = loginBody.safeParse({ username, password });
      if (parsed.success) request = () => api.login(parsed.data);
      else issues = parsed.error.issues;
    }
    if (!request) {
      const errors: Partial<Record<Field, string>> = {};
      for (const issue of issues) {
        const field = issue.path[0];
        if ((field === 'username' || field === 'password' || field === 'displayName') && !errors[field]) {
          errors[field] = issue.message;
        }
      }
      setFieldErrors(errors);
      return;
    }
    setFieldErrors({});
    setBusy(true);
    try {
      const auth = await request();
      session.signIn(auth);
      // Read now, where the person is going after signing in, as the address says at this moment.
      router.replace(safeNextPath(new URLSearchParams(window.location.search).get('next')));
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.code === 'CONFLICT') {
        setFieldErrors({ username: err.message || 'That username is taken.' });
      } else {
        setError(err instanceof Error ? err.message : 'Something went wrong. Please try again.');
      }
    }
  }

  const fieldProps = (field: Field) => ({
    id: `${id}-${field}`,
    'aria-invalid': fieldErrors[field] ? true : undefined,
    'aria-describedby': fieldErrors[field] ? `${id}-${field}-error` : undefined,
  });
  const fieldError = (field: Field) =>
    fieldErrors[field] ? (
      <p className="field__error" id={`${id}-${field}-error`}>
        {fieldErrors[field]}
      </p>
    ) : null;

  return (
    <AuthShell>
      <h1 className="auth__title">{isRegister ? 'Create your account' : 'Welcome back'}</h1>
      <p className="auth__subtitle">{isRegister ? 'Pick a username people can find you by.' : 'Sign in to pick up where you left off.'}</p>

      {notice && (
        <p className="auth__notice" role="status">
          {notice}
        </p>
      )}

      {error && (
        <div className="auth__error" role="alert">
          {error}
        </div>
      )}

      {/* POST, so a submit before the scripts have run (the form is in the page's HTML) never
          puts the password in the address; the app's handler sends it as JSON instead. */}
      <form className="auth__form" method="post" onSubmit={onSubmit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-username`}>Username</label>
          <input
            {...fieldProps('username')}
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            autoFocus
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
          {fieldError('username')}
        </div>

        {isRegister && (
          <div className="field">
            <label htmlFor={`${id}-displayName`}>Display name</label>
            <input
              {...fieldProps('displayName')}
              name="displayName"
              autoComplete="nickname"
              placeholder="How others see you (optional)"
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
            />
            {fieldError('displayName')}
          </div>
        )}

        <div className="field">
          <label htmlFor={`${id}-password`}>Password</label>
          <input
            {...fieldProps('password')}
            name="password"
            type="password"
            autoComplete={isRegister ? 'new-password' : 'current-password'}
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          {isRegister && !fieldErrors.password && <p className="field__hint">At least 8 characters.</p>}
          {fieldError('password')}
        </div>

        <button className="button button--primary button--block" type="submit" disabled={busy}>
          {isRegister ? 'Sign up' : 'Sign in'}
        </button>
      </form>

      <p className="auth__switch">
        {isRegister ? 'Already have an account? ' : 'New to Quantum Chat? '}
        <SwitchLink mode={mode} />
      </p>
    </AuthShell>
  );
}

function switchLabel(mode: Mode): string {
  return mode === 'register' ? 'Sign in' : 'Create an account';
}

/**
 * To the other form, keeping where the person was going (`?next=`). The page's HTML, drawn at
 * build time (app/prerender.tsx), has the plain link, and hydrating keeps the HTML's
 * attributes: the address's `?next=` is added after, in an effect.
 */
function SwitchLink({ mode }: { mode: Mode }) {
  const params = useSearchParams();
  const other = mode === 'register' ? '/login' : '/register';
  const [href, setHref] = useState(other);
  useEffect(() => {
    const next = safeNextPath(params.get('next'));
    setHref(`${other}${next !== '/chat' ? `?next=${encodeURIComponent(next)}` : ''}`);
  }, [other, params]);
  return <Link href={href}>{switchLabel(mode)}</Link>;
}
