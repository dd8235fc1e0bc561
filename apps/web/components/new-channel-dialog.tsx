'use client';

import { useId, useRef, useState, type FormEvent } from 'react';
import { createRoomBody } from '@qc/shared';
import { channelNameError } from '@/lib/room-display';
import { useChatClient } from '@/lib/use-chat';
import { Dialog } from './dialog';
import { TextField } from './text-field';

/** A public channel anyone can find in "Browse channels" and join. */
export function NewChannelDialog({ onClose, onOpenRoom }: { onClose: () => void; onOpenRoom: (roomId: string) => void }) {
  const client = useChatClient();
  const id = useId();
  const nameRef = useRef<HTMLInputElement>(null);
  const [name, setName] = useState('');
  const [topic, setTopic] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = createRoomBody.safeParse({
      kind: 'channel',
      name,
      ...(topic.trim() ? { topic } : {}),
    });
    if (!parsed.success) {
      if (parsed.error.issues[0]?.path[0] === 'name') setNameError('Give the channel a name.');
      else setError('Check the channel details.');
      return;
    }
    setBusy(true);
    setError(null);
    setNameError(null);
    try {
      const room = await client.createRoom(parsed.data);
      onOpenRoom(room.id);
    } catch (err) {
      setBusy(false);
      const taken = channelNameError(err, name);
      if (taken) {
        setNameError(taken);
        nameRef.current?.focus();
      } else setError(err instanceof Error ? err.message : 'Could not create the channel.');
    }
  }

  return (
    <Dialog title="New channel" description="Channels are public: anyone can find and join them." onClose={onClose}>
      <form className="form" onSubmit={onSubmit} noValidate>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <TextField
          ref={nameRef}
          id={`${id}-name`}
          label="Channel name"
          error={nameError}
          data-autofocus=""
          maxLength={80}
          placeholder="e.g. announcements"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            setNameError(null);
          }}
        />
        <TextField
          id={`${id}-topic`}
          label="Topic (optional)"
          maxLength={250}
          placeholder="What is it about?"
          value={topic}
          onChange={(e) => setTopic(e.target.value)}
        />
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy || !name.trim()}>
            Create channel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
