'use client';

import { useEffect, type ReactNode } from 'react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
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
    router.replace(here === '/chat' ? '/login' : `/login?next=${encodeURIComponent(here)}`);
  }, [state.status, pathname, search, router]);

  if (state.status !== 'authenticated') return <Splash />;
  return <>{children}</>;
}
