'use client';

import { useId, useState, type FormEvent } from 'react';
import { patchRoomBody, type MyRoom } from '@qc/shared';
import { api } from '@/lib/api';
import { kindNoun } from '@/lib/room-display';
import { useChatClient } from '@/lib/use-chat';
import { Dialog } from './dialog';

/** Owners and admins rename a group or channel and set its topic. */
export function EditRoomDialog({ room, onClose }: { room: MyRoom; onClose: () => void }) {
  const client = useChatClient();
  const id = useId();
  const [name, setName] = useState(room.name);
  const [topic, setTopic] = useState(room.topic ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = patchRoomBody.safeParse({ name, topic: topic.trim() ? topic : null });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'Check the details.');
      return;
    }
    setBusy(true);
    try {
      const updated = await api.updateRoom(room.id, parsed.data);
      // Keep my own view of the room (role, unread) whatever shape the answer has.
      client.upsertRoom({ ...room, ...updated });
      onClose();
    } catch (err) {
      setBusy(false);
      setError(err instanceof Error ? err.message : 'Could not save.');
    }
  }

  return (
    <Dialog title={`Edit ${kindNoun(room.kind)}`} onClose={onClose}>
      <form className="form" onSubmit={onSubmit} noValidate>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            className="input"
            data-autofocus=""
            maxLength={80}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-topic`}>Topic</label>
          <input id={`${id}-topic`} className="input" maxLength={250} value={topic} onChange={(e) => setTopic(e.target.value)} />
        </div>
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy || !name.trim()}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
