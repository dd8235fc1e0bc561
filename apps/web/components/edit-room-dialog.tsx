'use client';

import { useId, useRef, useState, type FormEvent } from 'react';
import { moderationReason, patchRoomBody, type MyRoom } from '@qc/shared';
import { api } from '@/lib/api';
import { channelNameError, kindNoun } from '@/lib/room-display';
import { useChatClient } from '@/lib/use-chat';
import { Dialog } from './dialog';
import { TextField } from './text-field';

const SLOW_MODE_CHOICES: [number, string][] = [
  [0, 'Off'],
  [10, 'One message every 10 s'],
  [30, 'One message every 30 s'],
  [60, 'One message a minute'],
  [300, 'One message every 5 min'],
  [900, 'One message every 15 min'],
  [3600, 'One message an hour'],
];

/** Owners and admins rename a group or channel, set its topic, and its pace (slow mode, read-only). */
export function EditRoomDialog({ room, onClose }: { room: MyRoom; onClose: () => void }) {
  const client = useChatClient();
  const id = useId();
  const nameRef = useRef<HTMLInputElement>(null);
  const [name, setName] = useState(room.name);
  const [topic, setTopic] = useState(room.topic ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);
  const [slowMode, setSlowMode] = useState(room.slowModeSeconds ?? 0);
  const [readOnly, setReadOnly] = useState(room.readOnly === true);
  const [paceReason, setPaceReason] = useState('');
  const paceChanged = slowMode !== (room.slowModeSeconds ?? 0) || readOnly !== (room.readOnly === true);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = patchRoomBody.safeParse({ name, topic: topic.trim() ? topic : null });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      if (issue?.path[0] === 'name') setNameError(`Name: ${issue.message}.`);
      else setError(issue?.message ?? 'Check the details.');
      return;
    }
    const reason = moderationReason.safeParse(paceReason);
    if (paceChanged && !reason.success) return setError('Say why the pace changes (members see the change; the audit log keeps why).');
    setBusy(true);
    setError(null);
    setNameError(null);
    try {
      if (paceChanged && reason.success) {
        if (slowMode !== (room.slowModeSeconds ?? 0)) await api.setSlowMode(room.id, slowMode, reason.data);
        if (readOnly !== (room.readOnly === true)) await api.setReadOnly(room.id, readOnly, reason.data);
      }
      const updated = await api.updateRoom(room.id, parsed.data);
      // Keep my own view of the room (role, unread) whatever shape the answer has.
      // The pace comes from the answer (a field left out is off), not from the room as it was.
      const { slowModeSeconds: _slow, readOnly: _locked, ...was } = room;
      client.upsertRoom({ ...was, ...updated });
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
        <fieldset className="edit-room__pace">
          <legend>Pace</legend>
          <div className="field">
            <label htmlFor={`${id}-slow`}>Slow mode</label>
            <select id={`${id}-slow`} className="input" value={slowMode} onChange={(e) => setSlowMode(Number(e.target.value))}>
              {SLOW_MODE_CHOICES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <label className="moderate__action">
            <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} />
            <span>Read-only: only moderators, admins and the owner can post</span>
          </label>
          {paceChanged && (
            <TextField
              id={`${id}-pace-reason`}
              label="Why the pace changes"
              maxLength={500}
              value={paceReason}
              onChange={(e) => setPaceReason(e.target.value)}
            />
          )}
        </fieldset>
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
