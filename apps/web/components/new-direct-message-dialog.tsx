'use client';

import { useState } from 'react';
import type { User } from '@qc/shared';
import { useChatClient } from '@/lib/use-chat';
import { Dialog } from './dialog';
import { PeopleSearch } from './people-search';

/** Opens the direct room with someone (the api returns the existing one if there is one). */
export function NewDirectMessageDialog({ onClose, onOpenRoom }: { onClose: () => void; onOpenRoom: (roomId: string) => void }) {
  const client = useChatClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function start(user: User) {
    setBusy(true);
    setError(null);
    try {
      const room = await client.createRoom({ kind: 'direct', userId: user.id });
      onOpenRoom(room.id);
    } catch (err) {
      setBusy(false);
      setError(err instanceof Error ? err.message : 'Could not start the conversation.');
    }
  }

  return (
    <Dialog title="New direct message" description="Find someone by name or username." onClose={onClose}>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <PeopleSearch onPick={(user) => void start(user)} disabled={busy} actionLabel="Message" />
    </Dialog>
  );
}
