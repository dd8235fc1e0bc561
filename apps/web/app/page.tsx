'use client';

import { useEffect } from 'react';
import { useRouter } from '@/lib/router/router';
import { useSession } from '@/lib/session';
import { Splash } from '@/components/splash';

/** The front door: into the chat when the refresh cookie still holds a session, else sign in. */
export default function HomePage() {
  const state = useSession();
  const router = useRouter();
  useEffect(() => {
    if (state.status === 'authenticated') router.replace('/chat');
    else if (state.status === 'anonymous') router.replace('/login');
  }, [state.status, router]);
  return <Splash />;
}
