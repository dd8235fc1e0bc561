import { Suspense } from 'react';
import { AdminDashboard } from '@/components/admin/admin-dashboard';
import { RequireSession } from '@/components/require-session';
import { Splash } from '@/components/splash';

export default function AdminPage() {
  return (
    <Suspense fallback={<Splash />}>
      <RequireSession>
        <AdminDashboard />
      </RequireSession>
    </Suspense>
  );
}
