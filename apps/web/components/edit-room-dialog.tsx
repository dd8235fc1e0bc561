'use client';

import { useId, useRef, useState, type FormEvent } from 'react';
import { patchRoomBody, type MyRoom } from '@qc/shared';
import { api } from '@/lib/api';
import { channelNameError, kindNoun } from '@/lib/room-display';
import { useChatClient } from '@/lib/use-chat';
import { Dialog } from './dialog';
import { TextField } from './text-field';

/** Owners and admins rename a group or channel and set its topic. */
export function EditRoomDialog({ room, onClose }: { room: MyRoom; onClose: () => void }) {
  const client = useChatClient();
  const id = useId();
  const nameRef = useRef<HTMLInputElement>(null);
  const [name, setName] = useState(room.name);
  const [topic, setTopic] = useState(room.topic ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = patchRoomBody.safeParse({ name, topic: topic.trim() ? topic : null });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      if (issue?.path[0] === 'name') setNameError(`Name: ${issue.message}.`);
      else setError(issue?.message ?? 'Check the details.');
      return;
    }
    setBusy(true);
    setError(null);
    setNameError(null);
    try {
      const updated = await api.updateRoom(room.id, parsed.data);
      // Keep my own view of the room (role, unread) whatever shape the answer has.
      client.upsertRoom({ ...room, ...updated });
      onClose();
    } catch (err) {
      setBusy(false);
      const taken = channelNameError(err, parsed.data.name ?? name);
      if (taken) {
        setNameError(taken);
        nameRef.current?.focus();
      } else setError(err instanceof Error ? err.message : 'Could not save.');
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
        <TextField
          ref={nameRef}
          id={`${id}-name`}
          label="Name"
          error={nameError}
          data-autofocus=""
          maxLength={80}
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            setNameError(null);
          }}
        />
        <TextField id={`${id}-topic`} label="Topic" maxLength={250} value={topic} onChange={(e) => setTopic(e.target.value)} />
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
