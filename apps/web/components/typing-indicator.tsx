'use client';

import type { ReactNode } from 'react';
import { displayNameOf } from '@/lib/room-display';
import { useChatClient, useStore } from '@/lib/use-chat';

/** Names in `<bdi>`: an override in one cannot turn "is typing" around. */
function sentence(names: string[]): ReactNode {
  if (names.length === 0) return null;
  if (names.length === 1)
    return (
      <>
        <bdi>{names[0]}</bdi> is typing…
      </>
    );
  if (names.length === 2)
    return (
      <>
        <bdi>{names[0]}</bdi> and <bdi>{names[1]}</bdi> are typing…
      </>
    );
  return 'Several people are typing…';
}

/** "Alice is typing…": always in the layout (so nothing jumps), empty when no one is. */
export function TypingIndicator({ roomId }: { roomId: string }) {
  const client = useChatClient();
  const typing = useStore(client.presence, (s) => s.typing[roomId]);
  const users = useStore(client.people, (s) => s.users);
  const text = sentence((typing ?? []).map((id) => displayNameOf(users, id)));
  return (
    <div className="typing-indicator" data-testid="typing-indicator" aria-live="polite">
      {text && (
        <>
          <span className="typing-indicator__dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {text}
        </>
      )}
    </div>
  );
}
