'use client';

import { useEffect, type ReactNode } from 'react';
import { usePathname, useRouter, useSearchParams } from '@/lib/router/router';
import { useSession } from '@/lib/session';
import { Splash } from './splash';

/**
 * Renders its children only for a signed-in person; anyone else is sent to sign in and
 * brought back here afterwards (`?next=`).
 */
export function RequireSession({ children }: { children: ReactNode }) {
  const state = useSession();
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams().toString();

  useEffect(() => {
    if (state.status !== 'anonymous') return;
    const here = `${pathname}${search ? `?${search}` : ''}`;
    // After choosing to sign out, coming back to this page is not what anyone wants.
    const keepPlace = !state.signedOut && here !== '/chat';
    router.replace(keepPlace ? `/login?next=${encodeURIComponent(here)}` : '/login');
  }, [state, pathname, search, router]);

  if (state.status !== 'authenticated') return <Splash />;
  return <>{children}</>;
}
