'use client';

import { useEffect, useSyncExternalStore } from 'react';
import type { AuthResponse, User } from '@qc/shared';
import { ApiError, requestJson } from './http';

/*
 * The signed-in session. The access token lives only in this module's memory (never in
 * localStorage, where any injected script could read it); a page load gets a fresh one from
 * the httpOnly refresh cookie via POST /auth/refresh.
 */

export type SessionState =
  | { status: 'loading' }
  /**
   * `signedOut`: the person chose to sign out here (not an expired or missing session).
   * `notice`: what the sign-in page tells them about it (their account was deleted).
   */
  | { status: 'anonymous'; reason?: string; signedOut?: boolean; notice?: string }
  | { status: 'authenticated'; user: User; accessToken: string; expiresAt: number };

type Listener = () => void;

/** Refresh this long before the access token runs out, so no request goes out with a stale one. */
const REFRESH_MARGIN_MS = 60_000;
const MIN_REFRESH_DELAY_MS = 10_000;
const RETRY_AFTER_NETWORK_ERROR_MS = 15_000;

const LOADING: SessionState = { status: 'loading' };

class SessionStore {
  private state: SessionState = LOADING;
  private readonly listeners = new Set<Listener>();
  private refreshInFlight: Promise<string | null> | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private bootstrapped = false;
  /**
   * Bumped on every sign-in and sign-out: a refresh that was started before one of those
   * must not overwrite its result when it finally answers.
   */
  private generation = 0;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): SessionState => this.state;

  getServerSnapshot = (): SessionState => LOADING;

  get accessToken(): string | null {
    return this.state.status === 'authenticated' ? this.state.accessToken : null;
  }

  get user(): User | null {
    return this.state.status === 'authenticated' ? this.state.user : null;
  }

  /** Restores the session once per page load; later calls reuse the first answer. */
  bootstrap(): void {
    if (this.bootstrapped) return;
    this.bootstrapped = true;
    if (this.state.status === 'authenticated') return;
    void this.refresh();
  }

  /** Adopts the answer of register, login or refresh. */
  signIn(auth: AuthResponse): void {
    this.generation += 1;
    this.bootstrapped = true;
    this.apply(auth);
  }

  /**
   * Gets a new access token from the refresh cookie. Concurrent callers (a 401 on three
   * requests at once, a socket reconnect) share one request. Resolves to null when the
   * person is not signed in any more.
   */
  refresh(): Promise<string | null> {
    if (this.refreshInFlight) return this.refreshInFlight;
    const startedAt = this.generation;
    this.refreshInFlight = (async () => {
      try {
        const auth = await requestJson<AuthResponse>('POST', '/api/v1/auth/refresh');
        if (startedAt !== this.generation) return this.accessToken;
        this.apply(auth);
        return auth.accessToken;
      } catch (err) {
        if (startedAt !== this.generation) return this.accessToken;
        if (err instanceof ApiError && err.status !== 0 && err.status < 500) {
          this.setState({ status: 'anonymous' });
          return null;
        }
        // The server is unreachable or failing: keep a session we have and try again soon.
        if (this.state.status === 'authenticated') {
          this.schedule(RETRY_AFTER_NETWORK_ERROR_MS);
          return this.state.accessToken;
        }
        this.setState({
          status: 'anonymous',
          reason: err instanceof Error ? err.message : 'Could not restore your session.',
        });
        return null;
      } finally {
        this.refreshInFlight = null;
      }
    })();
    return this.refreshInFlight;
  }

  setUser(user: User): void {
    if (this.state.status !== 'authenticated') return;
    this.setState({ ...this.state, user });
  }

  async signOut(notice?: string): Promise<void> {
    const token = this.accessToken;
    this.generation += 1;
    this.clearTimer();
    this.setState({ status: 'anonymous', signedOut: true, ...(notice ? { notice } : {}) });
    try {
      await requestJson<void>('POST', '/api/v1/auth/logout', { token });
    } catch {
      // Signing out locally has already happened; the cookie expires on its own.
    }
  }

  private apply(auth: AuthResponse): void {
    const lifetimeMs = auth.expiresIn * 1000;
    this.setState({
      status: 'authenticated',
      user: auth.user,
      accessToken: auth.accessToken,
      expiresAt: Date.now() + lifetimeMs,
    });
    this.schedule(Math.max(MIN_REFRESH_DELAY_MS, lifetimeMs - REFRESH_MARGIN_MS));
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    this.refreshTimer = setTimeout(() => void this.refresh(), delayMs);
  }

  private clearTimer(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
  }

  private setState(next: SessionState): void {
    this.state = next;
    for (const listener of this.listeners) listener();
  }
}

export const session = new SessionStore();

/** The current session; starts restoring it from the refresh cookie on first use. */
export function useSession(): SessionState {
  const state = useSyncExternalStore(session.subscribe, session.getSnapshot, session.getServerSnapshot);
  useEffect(() => session.bootstrap(), []);
  return state;
}

/** Only same-site paths are followed after sign-in, so `?next=` cannot send people elsewhere. */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/chat';
  return next;
}
