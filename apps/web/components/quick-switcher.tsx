'use client';

import { useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react';
import type { MyRoom, PresenceStatus, User } from '@qc/shared';
import { api } from '@/lib/api';
import { switcherEntries, normaliseQuery, type SwitcherEntry } from '@/lib/navigation/quick-switch';
import { useChatClient, useStore } from '@/lib/use-chat';
import { Avatar } from './avatar';
import { Dialog } from './dialog';
import { HashIcon, SearchIcon, UsersIcon } from './icons';
import { PresenceDot } from './presence-dot';

const PEOPLE_SEARCH_DELAY_MS = 200;
/** The server's user search takes at most this many characters (userSearchQuery). */
const PEOPLE_QUERY_MAX = 64;

export interface QuickSwitcherProps {
  /** Room ids opened lately here, most recent first. */
  recent: readonly string[];
  onClose: () => void;
  onOpenRoom: (roomId: string) => void;
  /** Given, the last entry hands what was typed over to message search. */
  onSearchMessages?: (query: string) => void;
}

/**
 * Ctrl+K: type part of a room's or a person's name, pick with the arrows and Enter. A
 * combobox over a listbox (the ARIA pattern): focus stays in the field and
 * aria-activedescendant tells screen readers which entry is active. People I have no
 * direct room with come from what this device knows and from the server's user search;
 * choosing one opens (creates) the direct room, as "New direct message" does.
 */
export function QuickSwitcher({ recent, onClose, onOpenRoom, onSearchMessages }: QuickSwitcherProps) {
  const client = useChatClient();
  const id = useId();
  const rooms = useStore(client.rooms, (s) => s.rooms);
  const known = useStore(client.people, (s) => s.users);
  const meId = useStore(client.people, (s) => s.me.id);
  const presence = useStore(client.presence, (s) => s.presence);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<{ query: string; people: User[] }>({ query: '', people: [] });
  const [active, setActive] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const wanted = normaliseQuery(query).slice(0, PEOPLE_QUERY_MAX);
  useEffect(() => {
    if (!wanted) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      api.searchUsers(wanted).then(
        (people) => {
          if (!cancelled) setFound({ query: wanted, people });
        },
        // People this device knows are still listed; the server's search is a bonus.
        () => undefined,
      );
    }, PEOPLE_SEARCH_DELAY_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [wanted]);

  const entries = useMemo(() => {
    const people = [...Object.values(known), ...(found.query && wanted.startsWith(found.query) ? found.people : [])];
    return switcherEntries({ rooms, people, meId, recent, query, withMessageSearch: Boolean(onSearchMessages) });
  }, [rooms, known, found, wanted, meId, recent, query, onSearchMessages]);

  const current = Math.min(active, Math.max(0, entries.length - 1));
  const optionId = (entry: SwitcherEntry) => `${id}-${entry.key}`;
  const activeEntry = entries[current];

  useEffect(() => {
    if (activeEntry) document.getElementById(optionId(activeEntry))?.scrollIntoView({ block: 'nearest' });
    // optionId only reads `id`, which never changes.
  }, [activeEntry]);

  async function choose(entry: SwitcherEntry | undefined) {
    if (!entry || busy) return;
    if (entry.kind === 'room') {
      onOpenRoom(entry.room.id);
    } else if (entry.kind === 'search') {
      onClose();
      onSearchMessages?.(entry.query);
    } else {
      setBusy(true);
      setError(null);
      try {
        const room = await client.createRoom({ kind: 'direct', userId: entry.person.id });
        onOpenRoom(room.id);
      } catch (err) {
        setBusy(false);
        setError(err instanceof Error ? err.message : 'Could not start the conversation.');
      }
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.nativeEvent.isComposing) return;
    const n = entries.length;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (n > 0) setActive((current + (event.key === 'ArrowDown' ? 1 : n - 1)) % n);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      void choose(activeEntry);
    }
  }

  const typed = normaliseQuery(query);
  const matches = entries.filter((e) => e.kind !== 'search').length;
  const status = busy
    ? 'Opening…'
    : typed && matches === 0
      ? `No rooms or people match “${typed}”.`
      : `${matches} ${matches === 1 ? 'result' : 'results'}`;

  return (
    <Dialog title="Jump to a conversation" onClose={onClose}>
      <div className="switcher">
        <label className="sr-only" htmlFor={`${id}-q`}>
          Find a room or person
        </label>
        <input
          id={`${id}-q`}
          className="input switcher__input"
          type="text"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={entries.length > 0}
          aria-controls={`${id}-list`}
          aria-activedescendant={activeEntry ? optionId(activeEntry) : undefined}
          aria-describedby={`${id}-status`}
          placeholder="Room or person"
          autoComplete="off"
          spellCheck={false}
          data-autofocus=""
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
        />
        <p className="switcher__status" id={`${id}-status`} aria-live="polite">
          {status}
        </p>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <ul className="switcher__list" id={`${id}-list`} role="listbox" aria-label={typed ? 'Matches' : 'Recent conversations'}>
          {entries.map((entry, i) => (
            <li
              key={entry.key}
              id={optionId(entry)}
              role="option"
              aria-selected={i === current}
              className={`switcher__option${i === current ? ' switcher__option--active' : ''}`}
              // Focus stays in the field: a click must not take it away before it is handled.
              onMouseDown={(e) => e.preventDefault()}
              onMouseMove={() => i !== current && setActive(i)}
              onClick={() => void choose(entry)}
            >
              <EntryContent entry={entry} presence={presence} />
            </li>
          ))}
        </ul>
        <p className="switcher__hint" aria-hidden="true">
          <kbd>↑</kbd> <kbd>↓</kbd> to move · <kbd>Enter</kbd> to open · <kbd>Esc</kbd> to close
        </p>
      </div>
    </Dialog>
  );
}

function EntryContent({ entry, presence }: { entry: SwitcherEntry; presence: Readonly<Record<string, PresenceStatus>> }) {
  if (entry.kind === 'search') {
    return (
      <>
        <span className="switcher__icon" aria-hidden="true">
          <SearchIcon size={15} />
        </span>
        <span className="switcher__name">
          <bdi>{entry.title}</bdi>
        </span>
      </>
    );
  }
  if (entry.kind === 'person') {
    const status = presence[entry.person.id];
    return (
      <>
        <span className="switcher__icon" aria-hidden="true">
          <Avatar user={entry.person} size={22} />
        </span>
        <span className="switcher__name">
          <bdi>{entry.person.displayName}</bdi>
        </span>{' '}
        <span className="switcher__detail">
          @<bdi>{entry.person.username}</bdi>
        </span>
        {status && <PresenceDot status={status} />} <span className="switcher__tag">New message</span>
      </>
    );
  }
  const room: MyRoom = entry.room;
  const peerStatus = room.peer ? (presence[room.peer.id] ?? room.peerPresence ?? null) : null;
  return (
    <>
      <span className="switcher__icon" aria-hidden="true">
        {room.kind === 'direct' && room.peer ? (
          <Avatar user={room.peer} size={22} />
        ) : room.kind === 'channel' ? (
          <HashIcon size={15} />
        ) : (
          <UsersIcon size={15} />
        )}
      </span>
      <span className="switcher__name">
        <bdi>{entry.title}</bdi>
      </span>{' '}
      <span className="switcher__detail">
        {room.kind === 'direct' && room.peer ? (
          <>
            @<bdi>{room.peer.username}</bdi>
          </>
        ) : room.kind === 'channel' ? (
          'Channel'
        ) : (
          'Group'
        )}
      </span>
      {peerStatus && <PresenceDot status={peerStatus} />}{' '}
      {room.unreadCount > 0 && (
        <span className="badge" role="img" aria-label={`${room.unreadCount} unread`}>
          {room.unreadCount > 99 ? '99+' : room.unreadCount}
        </span>
      )}
    </>
  );
}
