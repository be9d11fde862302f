// Who is signed in. The session lives in an HttpOnly cookie; we keep the user and the CSRF token
// the service returned. A 401 from any call means the session ended: the app shows sign-in with a
// message and comes back to the page afterwards.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { auth } from '../api/endpoints';
import { setCsrfToken, setSessionLostHandler } from '../api/http';
import type { SessionInfo, User } from '../api/types';
import { loadAccountPreferences } from './preferences';

type Status = 'loading' | 'anonymous' | 'expired' | 'authenticated';

interface AuthContextValue {
  status: Status;
  user: User | undefined;
  signIn: (email: string, password: string) => Promise<void>;
  signUp: (email: string, name: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  /** A session the service started another way (an invite or a reset link). */
  adopt: (session: SessionInfo) => void;
  /** After the service says the session is gone (401). */
  expire: () => void;
}

const AuthContext = createContext<AuthContextValue | undefined>(undefined);

// Remembers that this browser had a session, so that a reload after it expired says so.
const HAD_SESSION_KEY = 'tm.hadSession';

function remember(had: boolean) {
  try {
    if (had) localStorage.setItem(HAD_SESSION_KEY, '1');
    else localStorage.removeItem(HAD_SESSION_KEY);
  } catch {
    // Storage may be disabled; the message is a nicety.
  }
}

function hadSession(): boolean {
  try {
    return localStorage.getItem(HAD_SESSION_KEY) === '1';
  } catch {
    return false;
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<Status>('loading');
  const [user, setUser] = useState<User | undefined>(undefined);

  const accept = useCallback((session: SessionInfo) => {
    setCsrfToken(session.csrfToken);
    setUser(session.user);
    setStatus('authenticated');
    remember(true);
    // The account's language and theme; this browser's stay if they cannot be read now.
    loadAccountPreferences().catch(() => undefined);
  }, []);

  const expire = useCallback(() => {
    setCsrfToken(undefined);
    setUser(undefined);
    setStatus((current) => (current === 'authenticated' ? 'expired' : current));
  }, []);

  useEffect(() => {
    setSessionLostHandler(expire);
    let cancelled = false;
    auth.session().then(
      ({ user, csrfToken }) => {
        if (cancelled) return;
        if (user && csrfToken !== null) accept({ user, csrfToken });
        else setStatus(hadSession() ? 'expired' : 'anonymous');
      },
      () => {
        if (cancelled) return;
        setStatus(hadSession() ? 'expired' : 'anonymous');
      },
    );
    return () => {
      cancelled = true;
      setSessionLostHandler(undefined);
    };
  }, [accept, expire]);

  const value = useMemo<AuthContextValue>(
    () => ({
      status,
      user,
      expire,
      adopt: accept,
      signIn: async (email, password) => accept(await auth.login(email, password)),
      signUp: async (email, name, password) => accept(await auth.register(email, name, password)),
      signOut: async () => {
        try {
          await auth.logout();
        } finally {
          remember(false);
          setCsrfToken(undefined);
          setUser(undefined);
          setStatus('anonymous');
        }
      },
    }),
    [status, user, accept, expire],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

export type AuthMethods = Awaited<ReturnType<typeof auth.methods>>;

/**
 * How this server signs people in: passwords (off with AUTH_MODE=oidc) and single sign-on. Until
 * the server says, passwords only (every server has had them).
 */
export function useAuthMethods(): AuthMethods {
  const [methods, setMethods] = useState<AuthMethods>({ password: true, sso: false });
  useEffect(() => {
    let live = true;
    auth.methods().then(
      (found) => live && setMethods(found),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return methods;
}
