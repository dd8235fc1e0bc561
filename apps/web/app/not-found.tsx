import Link from 'next/link';

export const metadata = { title: 'Page not found · Quantum Chat' };

/**
 * Our own 404 page: Next's built-in one carries inline `style` attributes and a `<style>`
 * tag, which the Content-Security-Policy (no inline styles) would block. This one uses
 * the app's stylesheet.
 */
export default function NotFound() {
  return (
    <main className="auth">
      <div className="auth__card">
        <div className="auth__brand" aria-hidden="true">
          <span className="auth__logo">Q</span> Quantum Chat
        </div>
        <h1 className="auth__title">Page not found</h1>
        <p className="auth__subtitle">There is nothing at this address.</p>
        <p className="auth__switch">
          <Link href="/">Back to Quantum Chat</Link>
        </p>
      </div>
    </main>
  );
}
