import { Suspense } from 'react';
import { RequireSession } from '@/components/require-session';
import { SettingsForm } from '@/components/settings-form';
import { Splash } from '@/components/splash';

export default function SettingsPage() {
  return (
    <Suspense fallback={<Splash />}>
      <RequireSession>
        <SettingsForm />
      </RequireSession>
    </Suspense>
  );
}
