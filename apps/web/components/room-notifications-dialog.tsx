'use client';

import { useId, useState, type FormEvent } from 'react';
import type { MyRoom, NotifyLevel } from '@qc/shared';
import { useChatClient, useStore } from '@/lib/use-chat';
import { Dialog } from './dialog';

const LEVELS: { level: NotifyLevel; label: string; hint: string }[] = [
  { level: 'all', label: 'All new messages', hint: 'Every message tells you.' },
  {
    level: 'mentions',
    label: 'Mentions only',
    hint: 'Only @mentions of you, @here, @channel and replies in your threads (every message of a DM).',
  },
  { level: 'none', label: 'Nothing', hint: 'The room stays quiet; unread messages still show in bold in the list.' },
];

const MUTES: { label: string; minutes: number | null }[] = [
  { label: 'Not muted', minutes: null },
  { label: 'For 1 hour', minutes: 60 },
  { label: 'For 8 hours', minutes: 8 * 60 },
  { label: 'For 24 hours', minutes: 24 * 60 },
  { label: 'For a week', minutes: 7 * 24 * 60 },
];

/** The room's notification level and mute, kept on the server so every device of mine agrees. */
export function RoomNotificationsDialog({ room, onClose }: { room: MyRoom; onClose: () => void }) {
  const client = useChatClient();
  const id = useId();
  const [level, setLevel] = useState<NotifyLevel>(room.notifications.level);
  const mutedUntil = room.notifications.mutedUntil;
  const [mute, setMute] = useState<string>(mutedUntil ? 'keep' : 'null');
  const [busy, setBusy] = useState(false);
  const sound = useStore(client.notifier, (s) => s.sound);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    const until = mute === 'keep' ? mutedUntil : mute === 'null' ? null : new Date(Date.now() + Number(mute) * 60_000).toISOString();
    await client.setRoomNotifications(room.id, { level, mutedUntil: until });
    onClose();
  }

  return (
    <Dialog title="Notifications" onClose={onClose}>
      <form className="form" onSubmit={onSubmit}>
        <fieldset className="field">
          <legend>Tell me about</legend>
          {LEVELS.map((l) => (
            <label key={l.level} className="radio-row">
              <input type="radio" name={`${id}-level`} value={l.level} checked={level === l.level} onChange={() => setLevel(l.level)} />
              <span>
                <strong>{l.label}</strong>
                <span className="radio-row__hint">{l.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-mute`}>Mute</label>
          <select id={`${id}-mute`} className="input" value={mute} onChange={(e) => setMute(e.target.value)}>
            {mutedUntil && <option value="keep">Until {new Date(mutedUntil).toLocaleString()}</option>}
            {MUTES.map((m) => (
              <option key={m.label} value={String(m.minutes)}>
                {m.label}
              </option>
            ))}
          </select>
        </div>
        <label className="checkbox-row">
          <input type="checkbox" checked={sound} onChange={(e) => client.notifier.setSound(e.target.checked)} />
          Play a sound with notifications (on this device)
        </label>
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
