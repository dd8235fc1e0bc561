import { Suspense } from 'react';
import { ChatApp } from '@/components/chat-app';
import { RequireSession } from '@/components/require-session';
import { Splash } from '@/components/splash';

/** The open room is in the query string (`/chat?room=<id>`): every page is one static file. */
export default function ChatPage() {
  return (
    <Suspense fallback={<Splash />}>
      <RequireSession>
        <ChatApp />
      </RequireSession>
    </Suspense>
  );
}
