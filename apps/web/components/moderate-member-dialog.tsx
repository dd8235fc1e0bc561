'use client';

import { useId, useState, type FormEvent } from 'react';
import { mayModerate, moderationReason, type Member, type MyRoom, type Standing } from '@qc/shared';
import { api } from '@/lib/api';
import { isolate } from '@/lib/bidi';
import { Dialog } from './dialog';
import { FormError } from './form-error';

type Action = 'mute' | 'kick' | 'ban';

/** How long, in minutes: a mute always ends; a ban may last until it is lifted (0). */
const MUTE_FOR = [
  [10, '10 minutes'],
  [60, '1 hour'],
  [24 * 60, '1 day'],
  [7 * 24 * 60, '1 week'],
] as const;
const BAN_FOR = [[0, 'Until lifted'], ...MUTE_FOR.slice(1)] as const;

/** The actions the moderation policy lets me take on this member (the server decides again). */
export function moderationActions(me: Standing, member: Member): Action[] {
  const them: Standing = { instanceRole: member.user.instanceRole ?? null, roomRole: member.role };
  const can: [Action, Parameters<typeof mayModerate>[0]][] = [
    ['mute', 'member.mute'],
    ['kick', 'member.kick'],
    ['ban', 'member.ban'],
  ];
  const allowed = can.filter(([, p]) => mayModerate(p, me, them)).map(([a]) => a);
  // The owner hands the room on by leaving: never removed or banned.
  return member.role === 'owner' ? allowed.filter((a) => a === 'mute') : allowed;
}

/** Mute, kick or ban one member, with a reason (kept in the audit log and shown to them for a mute). */
export function ModerateMemberDialog({
  room,
  member,
  actions,
  onClose,
}: {
  room: Pick<MyRoom, 'id' | 'name'>;
  member: Member;
  actions: Action[];
  onClose: () => void;
}) {
  const id = useId();
  const [action, setAction] = useState<Action>(actions[0]!);
  const [minutes, setMinutes] = useState<number>(10);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = member.user.displayName;
  const choices = action === 'ban' ? BAN_FOR : MUTE_FOR;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = moderationReason.safeParse(reason);
    if (!parsed.success) return setError('Say why (it is kept in the audit log).');
    setBusy(true);
    setError(null);
    try {
      if (action === 'mute') await api.muteMember(room.id, member.userId, { minutes: minutes || 10, reason: parsed.data });
      else if (action === 'kick') await api.kickMember(room.id, member.userId, { reason: parsed.data });
      else await api.banMember(room.id, member.userId, { reason: parsed.data, ...(minutes ? { minutes } : {}) });
      onClose();
    } catch (err) {
      setBusy(false);
      setError(err instanceof Error ? err.message : 'Could not do that.');
    }
  }

  return (
    <Dialog title={`Moderate ${isolate(name)}`} onClose={onClose}>
      <form className="form" onSubmit={onSubmit} noValidate>
        <FormError error={error} />
        <fieldset className="moderate__actions">
          <legend>Action</legend>
          {actions.map((a) => (
            <label key={a} className="moderate__action">
              <input
                type="radio"
                name={`${id}-action`}
                value={a}
                checked={action === a}
                onChange={() => {
                  setAction(a);
                  setMinutes(a === 'ban' ? 0 : 10);
                }}
              />
              <span>{a === 'mute' ? 'Mute' : a === 'kick' ? 'Remove from the room' : 'Ban from the room'}</span>
            </label>
          ))}
        </fieldset>
        {action !== 'kick' && (
          <div className="field">
            <label htmlFor={`${id}-for`}>For how long</label>
            <select id={`${id}-for`} className="input" value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
              {choices.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-reason`}>Reason</label>
          <textarea
            id={`${id}-reason`}
            className="input"
            rows={3}
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-describedby={`${id}-reason-hint`}
          />
          <p className="field__hint" id={`${id}-reason-hint`}>
            {action === 'mute' ? 'They see it while the mute lasts.' : 'Kept in the audit log.'}
          </p>
        </div>
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--danger" disabled={busy}>
            {action === 'mute' ? 'Mute' : action === 'kick' ? 'Remove' : 'Ban'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
