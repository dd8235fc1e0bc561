'use client';

import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { SLOW_MODE_SECONDS_MAX, type AdminRoom, type AdminRoomDetail } from '@qc/shared';
import { api } from '@/lib/api';
import { isolate } from '@/lib/bidi';
import { useSession } from '@/lib/session';
import { slowModeLabel } from '@/lib/moderation/room-pace';
import { ReasonDialog } from './reason-dialog';
import { FormError } from '../form-error';

const SLOW_MODE_CHOICES = [0, 10, 30, 60, 300, 900, 3600, SLOW_MODE_SECONDS_MAX];

type RoomAction =
  | { kind: 'archive'; archived: boolean }
  | { kind: 'delete' }
  | { kind: 'slow-mode'; seconds: number }
  | { kind: 'read-only'; readOnly: boolean };

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

function roomState(r: AdminRoom): string {
  const parts = [
    r.archived ? 'archived' : null,
    r.readOnly ? 'read-only' : null,
    r.slowModeSeconds ? `slow mode ${slowModeLabel(r.slowModeSeconds)}` : null,
  ];
  return parts.filter(Boolean).join(', ') || 'open';
}

/**
 * Rooms: find any group or channel by name (direct messages are never listed); a room's page
 * shows its people and roles and sets its pace, archives it or brings it back, and (admins)
 * deletes it, each with a reason for the audit log.
 */
export function RoomsPanel() {
  const id = useId();
  const [query, setQuery] = useState('');
  const [kind, setKind] = useState<'' | 'group' | 'channel'>('');
  const [rooms, setRooms] = useState<AdminRoom[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const search = useCallback(async (q: string, k: '' | 'group' | 'channel') => {
    try {
      setRooms((await api.adminRooms(q, k || undefined)).rooms);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not find rooms.');
    }
  }, []);
  useEffect(() => void search('', ''), [search]);

  if (open) {
    return (
      <RoomPage
        roomId={open}
        onBack={() => {
          setOpen(null);
          void search(query.trim(), kind);
        }}
      />
    );
  }

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void search(query.trim(), kind);
  };

  return (
    <section className="admin__panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Rooms</h2>
      <form className="admin__filters" onSubmit={onSubmit} role="search" aria-label="Find rooms">
        <div className="field admin__filter">
          <label htmlFor={`${id}-q`}>Room name</label>
          <input id={`${id}-q`} className="input" value={query} onChange={(e) => setQuery(e.target.value)} />
        </div>
        <div className="field admin__filter">
          <label htmlFor={`${id}-kind`}>Kind</label>
          <select id={`${id}-kind`} className="input" value={kind} onChange={(e) => setKind(e.target.value as '' | 'group' | 'channel')}>
            <option value="">Groups and channels</option>
            <option value="channel">Channels</option>
            <option value="group">Groups</option>
          </select>
        </div>
        <div className="admin__filter-actions">
          <button type="submit" className="button button--primary">
            Find
          </button>
        </div>
      </form>
      <FormError error={error} />
      <div className="admin__table-wrap">
        <table className="admin__table">
          <caption className="sr-only">Rooms, most recently active first</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">People</th>
              <th scope="col">Last message</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {rooms.map((r) => (
              <tr key={r.id} data-testid="room-row">
                <td>
                  <button type="button" className="admin__stat-link" onClick={() => setOpen(r.id)}>
                    {r.kind === 'channel' ? '#' : ''}
                    {isolate(r.name)}
                  </button>
                </td>
                <td>{r.kind}</td>
                <td>{r.memberCount}</td>
                <td>{when(r.lastMessageAt)}</td>
                <td>{roomState(r)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rooms.length === 0 && !error && <p className="muted">No room matches.</p>}
    </section>
  );
}

function RoomPage({ roomId, onBack }: { roomId: string; onBack: () => void }) {
  const id = useId();
  const session = useSession();
  const isAdmin = session.status === 'authenticated' && session.user.instanceRole === 'admin';
  const [detail, setDetail] = useState<AdminRoomDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [acting, setActing] = useState<RoomAction | null>(null);
  const [slowMode, setSlowMode] = useState(0);

  const load = useCallback(async () => {
    try {
      const d = await api.adminRoom(roomId);
      setDetail(d);
      setSlowMode(d.room.slowModeSeconds);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not read the room.');
    }
  }, [roomId]);
  useEffect(() => void load(), [load]);

  const room = detail?.room;
  const name = room ? `${room.kind === 'channel' ? '#' : ''}${isolate(room.name)}` : '';

  const dialog = (() => {
    if (!acting || !room) return null;
    const done = async () => {
      setActing(null);
      await load();
    };
    switch (acting.kind) {
      case 'archive':
        return acting.archived
          ? {
              title: `Archive ${name}`,
              description:
                'Nobody can post in it, its owner neither; its members keep its history to read, and the directory no longer lists it.',
              confirm: 'Archive',
              danger: true,
              run: async (reason: string) => {
                await api.archiveRoom(room.id, true, reason);
                await done();
              },
            }
          : {
              title: `Bring back ${name}`,
              description: 'Its members can post again, and a channel is in the directory again.',
              confirm: 'Bring back',
              danger: false,
              run: async (reason: string) => {
                await api.archiveRoom(room.id, false, reason);
                await done();
              },
            };
      case 'delete':
        return {
          title: `Delete ${name}`,
          description: `The room and every message in it are deleted for its ${room.memberCount} members. This cannot be undone.`,
          confirm: 'Delete for everyone',
          danger: true,
          run: async (reason: string) => {
            await api.deleteRoomAsStaff(room.id, reason);
            setActing(null);
            onBack();
          },
        };
      case 'slow-mode':
        return {
          title: `Slow mode in ${name}`,
          description: acting.seconds
            ? `Each member may post one message every ${slowModeLabel(acting.seconds)}.`
            : 'Members post freely again.',
          confirm: 'Set slow mode',
          danger: false,
          run: async (reason: string) => {
            await api.setSlowMode(room.id, acting.seconds, reason);
            await done();
          },
        };
      case 'read-only':
        return {
          title: acting.readOnly ? `Lock ${name}` : `Unlock ${name}`,
          description: acting.readOnly ? 'Only its moderators and up can post.' : 'Its members can post again.',
          confirm: acting.readOnly ? 'Lock' : 'Unlock',
          danger: acting.readOnly,
          run: async (reason: string) => {
            await api.setReadOnly(room.id, acting.readOnly, reason);
            await done();
          },
        };
    }
  })();

  return (
    <section className="admin__panel" aria-labelledby={`${id}-title`}>
      <button type="button" className="button button--small button--ghost" onClick={onBack}>
        ← All rooms
      </button>
      <h2 id={`${id}-title`}>{room ? name : 'Room'}</h2>
      <FormError error={error} />
      {room && (
        <>
          <p className="muted" data-testid="room-summary">
            A {room.kind} of {room.memberCount}, made {new Date(room.createdAt).toLocaleDateString()}; last message{' '}
            {when(room.lastMessageAt)}; {roomState(room)}.{room.topic ? ` Topic: ${room.topic}` : ''}
          </p>
          <h3>Settings</h3>
          <div className="admin__room-settings">
            <div className="field admin__filter">
              <label htmlFor={`${id}-slow`}>Slow mode</label>
              <select
                id={`${id}-slow`}
                className="input"
                value={slowMode}
                onChange={(e) => setSlowMode(Number(e.target.value))}
                disabled={room.archived}
              >
                {SLOW_MODE_CHOICES.map((s) => (
                  <option key={s} value={s}>
                    {s === 0 ? 'Off' : `One message every ${slowModeLabel(s)}`}
                  </option>
                ))}
              </select>
            </div>
            <div className="admin__row-actions">
              <button
                type="button"
                className="button button--small"
                disabled={room.archived || slowMode === room.slowModeSeconds}
                onClick={() => setActing({ kind: 'slow-mode', seconds: slowMode })}
              >
                Set slow mode
              </button>
              <button
                type="button"
                className="button button--small"
                disabled={room.archived}
                onClick={() => setActing({ kind: 'read-only', readOnly: !room.readOnly })}
              >
                {room.readOnly ? 'Unlock' : 'Lock read-only'}
              </button>
              <button
                type="button"
                className="button button--small"
                onClick={() => setActing({ kind: 'archive', archived: !room.archived })}
              >
                {room.archived ? 'Bring back' : 'Archive'}
              </button>
              {isAdmin && (
                <button type="button" className="button button--small button--danger" onClick={() => setActing({ kind: 'delete' })}>
                  Delete room
                </button>
              )}
            </div>
          </div>
          <h3>People</h3>
          <div className="admin__table-wrap">
            <table className="admin__table" data-testid="room-members">
              <caption className="sr-only">People in {room.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Username</th>
                  <th scope="col">Role</th>
                  <th scope="col">Joined</th>
                  <th scope="col">Muted until</th>
                </tr>
              </thead>
              <tbody>
                {detail.members.map((m) => (
                  <tr key={m.userId}>
                    <td>{m.displayName}</td>
                    <td>@{m.username}</td>
                    <td>{m.role}</td>
                    <td>{new Date(m.joinedAt).toLocaleDateString()}</td>
                    <td>{m.mutedUntil ? new Date(m.mutedUntil).toLocaleString() : '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {dialog && (
        <ReasonDialog
          title={dialog.title}
          description={dialog.description}
          confirm={dialog.confirm}
          danger={dialog.danger}
          onConfirm={dialog.run}
          onClose={() => setActing(null)}
        />
      )}
    </section>
  );
}
