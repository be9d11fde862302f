// Sign in and sign up (after either, the user lands on the page they wanted, `?next=`), and the
// pages of the links an admin hands out: an invite (create an account, also while registration
// is closed) and a password reset. Their secret travels in the URL's fragment (`#…`), which the
// browser never sends to a server or in a Referer.
import { useEffect, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { TextField } from '../components/form/Field';
import { NewPasswordField } from '../components/form/NewPasswordField';
import { Logo } from '../components/Header';
import { LanguageSelect } from '../components/LanguageSelect';
import { InlineError } from '../components/States';
import { auth } from '../api/endpoints';
import { en } from '../i18n/en';
import type { SessionInfo } from '../api/types';
import { useAuth, useAuthMethods } from '../lib/auth';
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

function useRedirectWhenSignedIn(next: string | undefined) {
  const { status } = useAuth();
  useEffect(() => {
    if (status === 'authenticated' && next !== undefined) navigate(next, { replace: true });
  }, [status, next]);
}

/**
 * The form of these pages: `action` signs in or up (a success redirects through the auth state,
 * unless the page goes on by itself: `redirect` false; a failure shows under the fields), and a
 * link to the other page that keeps `?next=`.
 */
function AuthForm({
  title,
  notice,
  action,
  submitLabel,
  busyLabel,
  other,
  redirect = true,
  alternative,
  children,
}: {
  title: string;
  notice?: ReactNode;
  action: () => Promise<void>;
  submitLabel: string;
  busyLabel: string;
  other?: { path: '/signin' | '/signup'; text: string; label: string };
  redirect?: boolean;
  /** Another way in, under the form (single sign-on). */
  alternative?: ReactNode;
  children: ReactNode;
}) {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  useRedirectWhenSignedIn(redirect ? next : undefined);

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

  const otherHref = `${other?.path}${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`;
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
      {alternative}
      {other && (
        <p className="auth-switch">
          {other.text} <Link to={otherHref}>{other.label}</Link>
        </p>
      )}
    </AuthCard>
  );
}

// The codes a single sign-on comes back with (docs/integrations.md), as the messages name them.
const SSO_ERRORS = Object.keys(en.auth.ssoErrors) as (keyof typeof en.auth.ssoErrors)[];

/** The sign-in page's notices: a session that ended, or why a single sign-on came back. */
function SignInNotice() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const error = params.get('error');
  const ssoError = SSO_ERRORS.find((code) => code === error);
  return (
    <>
      {params.get('reason') === 'expired' && (
        <p className="notice notice-warning" role="status">
          {t('auth.expired')}
        </p>
      )}
      {error !== null && (
        <p className="notice notice-warning" role="alert">
          {t(`auth.ssoErrors.${ssoError ?? 'sso_failed'}`)}
        </p>
      )}
    </>
  );
}

/**
 * Single sign-on: a plain link, the server sends the browser on to the provider. With `invite`,
 * a first sign-in creates the account the invite allows.
 */
function SsoLink({ next, invite }: { next: string; invite?: string }) {
  const { t } = useTranslation();
  const params = new URLSearchParams();
  if (next !== '/') params.set('next', next);
  if (invite) params.set('invite', invite);
  const query = params.toString();
  return (
    <a
      className="button button-block auth-sso"
      href={`/api/v1/auth/oidc/start${query ? `?${query}` : ''}`}
    >
      {t(invite ? 'links.inviteSso' : 'auth.sso')}
    </a>
  );
}

export function SignInPage() {
  const { t } = useTranslation();
  const { signIn } = useAuth();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const methods = useAuthMethods();
  useRedirectWhenSignedIn(methods.password ? undefined : next);

  if (!methods.password) {
    return (
      <AuthCard title={t('auth.signInTitle')}>
        <SignInNotice />
        {methods.sso && <SsoLink next={next} />}
      </AuthCard>
    );
  }
  return (
    <AuthForm
      title={t('auth.signInTitle')}
      notice={<SignInNotice />}
      action={() => signIn(email.trim(), password)}
      submitLabel={t('auth.signIn')}
      busyLabel={t('auth.signingIn')}
      other={{ path: '/signup', text: t('auth.noAccount'), label: t('auth.signUp') }}
      alternative={
        methods.sso && (
          <>
            <p className="auth-or">{t('auth.or')}</p>
            <SsoLink next={next} />
          </>
        )
      }
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

interface NewAccount {
  name: string;
  email: string;
  password: string;
}

const NO_ACCOUNT: NewAccount = { name: '', email: '', password: '' };

/** The fields of a new account (sign-up, invite), with the ids `${prefix}-name` and so on. */
function NewAccountFields({
  prefix,
  account,
  onChange,
}: {
  prefix: string;
  account: NewAccount;
  onChange: (account: NewAccount) => void;
}) {
  const { t } = useTranslation();
  const set = (field: keyof NewAccount) => (event: { target: { value: string } }) =>
    onChange({ ...account, [field]: event.target.value });
  return (
    <>
      <TextField
        id={`${prefix}-name`}
        label={t('auth.name')}
        autoComplete="name"
        required
        maxLength={100}
        value={account.name}
        onChange={set('name')}
      />
      <TextField
        id={`${prefix}-email`}
        label={t('auth.email')}
        type="email"
        autoComplete="email"
        required
        value={account.email}
        onChange={set('email')}
      />
      <NewPasswordField
        id={`${prefix}-password`}
        label={t('auth.password')}
        value={account.password}
        onChange={set('password')}
      />
    </>
  );
}

export function SignUpPage() {
  const { t } = useTranslation();
  const { signUp } = useAuth();
  const [account, setAccount] = useState(NO_ACCOUNT);
  return (
    <AuthForm
      title={t('auth.signUpTitle')}
      action={() => signUp(account.email.trim(), account.name.trim(), account.password)}
      submitLabel={t('auth.createAccount')}
      busyLabel={t('auth.creating')}
      other={{ path: '/signin', text: t('auth.haveAccount'), label: t('auth.signIn') }}
    >
      <NewAccountFields prefix="signup" account={account} onChange={setAccount} />
    </AuthForm>
  );
}

/** The secret of an admin's link, from the URL's fragment (read once). */
function useLinkSecret(): string {
  const [secret] = useState(() => window.location.hash.slice(1));
  return secret;
}

/** Signs in with a session the link started, then goes to `to`. */
function useSignedInBy() {
  const { adopt } = useAuth();
  return (session: SessionInfo, to: string) => {
    adopt(session);
    navigate(to, { replace: true });
  };
}

function BrokenLink() {
  const { t } = useTranslation();
  return (
    <AuthCard title={t('links.brokenTitle')}>
      <p className="notice notice-warning" role="alert">
        {t('links.broken')}
      </p>
      <Link to="/signin">{t('auth.signIn')}</Link>
    </AuthCard>
  );
}

export function InvitePage() {
  const { t } = useTranslation();
  const token = useLinkSecret();
  const signedIn = useSignedInBy();
  const [account, setAccount] = useState(NO_ACCOUNT);
  const methods = useAuthMethods();
  if (!token) return <BrokenLink />;
  // Single sign-on only (AUTH_MODE=oidc): the invite is accepted through the provider.
  if (!methods.password) {
    return (
      <AuthCard title={t('links.inviteTitle')}>
        <p className="muted">{t('links.inviteSsoText')}</p>
        {methods.sso && <SsoLink next="/" invite={token} />}
      </AuthCard>
    );
  }
  return (
    <AuthForm
      title={t('links.inviteTitle')}
      notice={<p className="muted">{t('links.inviteText')}</p>}
      alternative={
        methods.sso && (
          <>
            <p className="auth-or">{t('auth.or')}</p>
            <SsoLink next="/" invite={token} />
          </>
        )
      }
      redirect={false}
      action={async () => {
        const session = await auth.acceptInvite(
          token,
          account.email.trim(),
          account.name.trim(),
          account.password,
        );
        signedIn(session, session.projectId ? `/projects/${session.projectId}` : '/');
      }}
      submitLabel={t('auth.createAccount')}
      busyLabel={t('auth.creating')}
    >
      <NewAccountFields prefix="invite" account={account} onChange={setAccount} />
    </AuthForm>
  );
}

export function ResetPasswordPage() {
  const { t } = useTranslation();
  const token = useLinkSecret();
  const signedIn = useSignedInBy();
  const [password, setPassword] = useState('');
  const methods = useAuthMethods();
  if (!token) return <BrokenLink />;
  if (!methods.password) {
    return (
      <AuthCard title={t('links.resetTitle')}>
        <p className="notice notice-warning" role="alert">
          {t('links.resetOff')}
        </p>
        {methods.sso && <SsoLink next="/" />}
      </AuthCard>
    );
  }
  return (
    <AuthForm
      title={t('links.resetTitle')}
      notice={<p className="muted">{t('links.resetText')}</p>}
      redirect={false}
      action={async () => signedIn(await auth.resetPassword(token, password), '/')}
      submitLabel={t('links.resetSubmit')}
      busyLabel={t('links.resetting')}
    >
      <NewPasswordField
        id="reset-password"
        label={t('account.newPassword')}
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
    </AuthForm>
  );
}
