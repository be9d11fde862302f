// Sign in and sign up. After either, the user lands on the page they wanted (`?next=`).
import { NewPasswordField } from '../components/form/NewPasswordField';
import { useEffect, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { TextField } from '../components/form/Field';
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

export function SignInPage() {
  const { t } = useTranslation();
  const { signIn } = useAuth();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const expired = params.get('reason') === 'expired';
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  useRedirectWhenSignedIn(next);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(email.trim(), password);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const signUpHref = `/signup${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`;
  return (
    <AuthCard title={t('auth.signInTitle')}>
      {expired && (
        <p className="notice notice-warning" role="status">
          {t('auth.expired')}
        </p>
      )}
      <form onSubmit={(event) => void submit(event)} className="form" noValidate={false}>
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
        <InlineError error={error} />
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy ? t('auth.signingIn') : t('auth.signIn')}
        </button>
      </form>
      <p className="auth-switch">
        {t('auth.noAccount')} <Link to={signUpHref}>{t('auth.signUp')}</Link>
      </p>
    </AuthCard>
  );
}

export function SignUpPage() {
  const { t } = useTranslation();
  const { signUp } = useAuth();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  useRedirectWhenSignedIn(next);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signUp(email.trim(), name.trim(), password);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const signInHref = `/signin${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`;
  return (
    <AuthCard title={t('auth.signUpTitle')}>
      <form onSubmit={(event) => void submit(event)} className="form">
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
        <InlineError error={error} />
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy ? t('auth.creating') : t('auth.createAccount')}
        </button>
      </form>
      <p className="auth-switch">
        {t('auth.haveAccount')} <Link to={signInHref}>{t('auth.signIn')}</Link>
      </p>
    </AuthCard>
  );
}
