import { Link } from '@/lib/router/router';
import { AuthShell } from '@/components/auth-shell';

/**
 * Our own 404 page: Next's built-in one carries inline `style` attributes and a `<style>`
 * tag, which the Content-Security-Policy (no inline styles) would block. This one uses
 * the app's stylesheet.
 */
export default function NotFound() {
  return (
    <AuthShell>
      <h1 className="auth__title">Page not found</h1>
      <p className="auth__subtitle">There is nothing at this address.</p>
      <p className="auth__switch">
        <Link href="/">Back to Quantum Chat</Link>
      </p>
    </AuthShell>
  );
}
