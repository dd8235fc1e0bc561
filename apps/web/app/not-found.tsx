import { Link } from '@/lib/router/router';
import { AuthShell } from '@/components/auth-shell';

/** Any address the app has no page for (the api answers such a request 404 with this page's HTML). */
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
