// Sign in and sign up. After either, the user lands on the page they wanted (`?next=`).
import { useEffect, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { TextField } from '../components/form/Field';
import { NewPasswordField } from '../components/form/NewPasswordField';
import { Logo } from '../components/Header';
import { LanguageSelect } from '../components/LanguageSelect';
import { InlineError } from '../components/States';
import { useAuth } from '../lib/auth';
import { Link, navigate, safeNext, useSearchParams } from '../lib/router';

function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="auth">
      <div className="auth-brand">
        <Logo />
        <span>CloudEdu TaskManager</span>
      </div>
      <section className="card auth-card" aria-labelledby="auth-title">
        <h1 id="auth-title">{title}</h1>
        {children}
      </section>
      <p className="auth-tagline">{t('auth.tagline')}</p>
      <LanguageSelect compact />
    </div>
  );
}

function useRedirectWhenSignedIn(next: string) {
  const { status } = useAuth();
  useEffect(() => {
    if (status === 'authenticated') navigate(next, { replace: true });
  }, [status, next]);
}

/**
 * The form of both pages: `action` signs in or up (a success redirects through the auth state;
 * a failure shows under the fields), and a link to the other page that keeps `?next=`.
 */
function AuthForm({
  title,
  notice,
  action,
  submitLabel,
  busyLabel,
  other,
  children,
}: {
  title: string;
  notice?: ReactNode;
  action: () => Promise<void>;
  submitLabel: string;
  busyLabel: string;
  other: { path: '/signin' | '/signup'; text: string; label: string };
  children: ReactNode;
}) {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  useRedirectWhenSignedIn(next);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const otherHref = `${other.path}${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`;
  return (
    <AuthCard title={title}>
      {notice}
      <form onSubmit={(event) => void submit(event)} className="form">
        {children}
        <InlineError error={error} />
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy ? busyLabel : submitLabel}
        </button>
      </form>
      <p className="auth-switch">
        {other.text} <Link to={otherHref}>{other.label}</Link>
      </p>
    </AuthCard>
  );
}

export function SignInPage() {
  const { t } = useTranslation();
  const { signIn } = useAuth();
  const [params] = useSearchParams();
  const expired = params.get('reason') === 'expired';
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  return (
    <AuthForm
      title={t('auth.signInTitle')}
      notice={
        expired && (
          <p className="notice notice-warning" role="status">
            {t('auth.expired')}
          </p>
        )
      }
      action={() => signIn(email.trim(), password)}
      submitLabel={t('auth.signIn')}
      busyLabel={t('auth.signingIn')}
      other={{ path: '/signup', text: t('auth.noAccount'), label: t('auth.signUp') }}
    >
      <TextField
        id="signin-email"
        label={t('auth.email')}
        type="email"
        autoComplete="username"
        required
        value={email}
        onChange={(event) => setEmail(event.target.value)}
      />
      <TextField
        id="signin-password"
        label={t('auth.password')}
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
    </AuthForm>
  );
}

export function SignUpPage() {
  const { t } = useTranslation();
  const { signUp } = useAuth();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  return (
    <AuthForm
      title={t('auth.signUpTitle')}
      action={() => signUp(email.trim(), name.trim(), password)}
      submitLabel={t('auth.createAccount')}
      busyLabel={t('auth.creating')}
      other={{ path: '/signin', text: t('auth.haveAccount'), label: t('auth.signIn') }}
    >
      <TextField
        id="signup-name"
        label={t('auth.name')}
        autoComplete="name"
        required
        maxLength={100}
        value={name}
        onChange={(event) => setName(event.target.value)}
      />
      <TextField
        id="signup-email"
        label={t('auth.email')}
        type="email"
        autoComplete="email"
        required
        value={email}
        onChange={(event) => setEmail(event.target.value)}
      />
      <NewPasswordField
        id="signup-password"
        label={t('auth.password')}
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
    </AuthForm>
  );
}
