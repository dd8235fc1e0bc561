import type { ReactNode } from 'react';

/** The centred card with the brand that the sign-in, sign-up and not-found pages share. */
export function AuthShell({ children }: { children: ReactNode }) {
  return (
    <main className="auth">
      <div className="auth__card">
        <div className="auth__brand" aria-hidden="true">
          <span className="auth__logo">Q</span> Quantum Chat
        </div>
        {children}
      </div>
    </main>
  );
}
