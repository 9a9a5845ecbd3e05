import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import * as api from './api';
import { closeClients } from './mcp';

export type Session =
  | { readonly status: 'loading' }
  | { readonly status: 'unreachable'; readonly reason: string }
  | { readonly status: 'signed-out'; readonly authMode: api.AuthMode; readonly notice?: string }
  | { readonly status: 'signed-in'; readonly state: api.SessionState };

interface SessionControls {
  readonly session: Session;
  signIn(token: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionControls | undefined>(undefined);

function fromState(state: api.SessionState, notice?: string): Session {
  if (state.signedIn) return { status: 'signed-in', state };
  return { status: 'signed-out', authMode: state.authMode, ...(notice ? { notice } : {}) };
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session>({ status: 'loading' });

  useEffect(() => {
    api.whenSignedOut(() => {
      void closeClients();
      setSession((now) => ({
        status: 'signed-out',
        authMode: now.status === 'signed-in' ? now.state.authMode : 'local',
        notice: 'Your session has ended. Sign in again.',
      }));
    });
    api.currentSession().then(
      (state) => setSession(fromState(state)),
      (error: Error) => setSession({ status: 'unreachable', reason: error.message }),
    );
  }, []);

  const signIn = useCallback(async (token: string) => {
    setSession(fromState(await api.signIn(token)));
  }, []);
  const signOut = useCallback(async () => {
    await closeClients();
    const authMode = session.status === 'signed-in' ? session.state.authMode : 'local';
    try {
      setSession(fromState(await api.signOut()));
    } catch {
      setSession({ status: 'signed-out', authMode });
    }
  }, [session]);

  const controls = useMemo(() => ({ session, signIn, signOut }), [session, signIn, signOut]);
  return <SessionContext.Provider value={controls}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionControls {
  const controls = useContext(SessionContext);
  if (!controls) throw new Error('useSession outside SessionProvider');
  return controls;
}
