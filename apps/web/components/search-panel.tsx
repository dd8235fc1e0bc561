'use client';

import { useRouter } from '@/lib/router/router';
import { useEffect, useId, useMemo, useRef, type FormEvent, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import type { SearchHit, User } from '@qc/shared';
import { roomTitle } from '@/lib/room-display';
import { searchUi, openSearch } from '@/lib/search-ui';
import { snippetParts } from '@/lib/search-snippet';
import { groupByRoom, hasFilters } from '@/lib/stores/search-store';
import { useChatClient, useStore } from '@/lib/use-chat';
import { CloseIcon, HashIcon, SearchIcon } from './icons';

/*
 * Message search: a box in the sidebar that opens the search panel, "/" from anywhere that
 * is not a text field, and `openSearch(query)` (lib/search-ui) for anything else that wants
 * to offer "Search messages for …". The panel searches as one types, with filters (room,
 * person, days), shows hits grouped by room with the matched words marked, pages on, and a
 * chosen hit opens its room at that message, however far back.
 */

/** Whether a key press is typing into something (where "/" is a character, not a shortcut). */
function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return (
    tag === 'TEXTAREA' ||
    tag === 'SELECT' ||
    (tag === 'INPUT' && !['checkbox', 'radio', 'button', 'submit'].includes((target as HTMLInputElement).type))
  );
}

/** The search box in the sidebar, the "/" shortcut, and the panel while it is open. */
export function SearchLauncher() {
  const open = useStore(searchUi, (s) => s.open);

  useEffect(() => {
    const onKeyDown = (e: globalThis.KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || isTextEntry(e.target)) return;
      e.preventDefault();
      openSearch();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  return (
    <>
      <button type="button" className="search-launcher" onClick={() => openSearch()} aria-keyshortcuts="/" aria-haspopup="dialog">
        <SearchIcon />
        <span className="search-launcher__label">Search messages</span>
        <kbd className="search-launcher__key" aria-hidden="true">
          /
        </kbd>
      </button>
      {/* On a phone the sidebar is hidden while a room is shown: the panel lives outside it. */}
      {open && typeof document !== 'undefined' && createPortal(<SearchDialog />, document.body)}
    </>
  );
}

/** The room header's button: search opens narrowed to that room (on a phone, the only way in while a room is shown). */
export function SearchRoomButton({ roomId }: { roomId: string }) {
  return (
    <button
      type="button"
      className="button button--ghost room-header__members"
      aria-label="Search in this conversation"
      title="Search in this conversation"
      aria-haspopup="dialog"
      onClick={() => openSearch('', { roomId })}
    >
      <SearchIcon size={18} />
    </button>
  );
}

const hitTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function SearchDialog() {
  const client = useChatClient();
  const router = useRouter();
  const state = useStore(searchUi, (s) => s);
  const rooms = useStore(client.rooms, (s) => s.rooms);
  const users = useStore(client.people, (s) => s.users);
  const me = useStore(client.people, (s) => s.me);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const resultsRef = useRef<HTMLDivElement>(null);
  /** A hit was chosen: focus goes to the conversation, not back where search was opened from. */
  const choseRef = useRef(false);
  const id = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    const returnFocusTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      if (choseRef.current) (document.activeElement as HTMLElement | null)?.blur();
      else if (returnFocusTo?.isConnected) returnFocusTo.focus();
    };
  }, []);

  // Each request to open (the box, "/", another part of the app) puts the caret in the box.
  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, [state.openCount]);

  const groups = useMemo(() => groupByRoom(state.hits), [state.hits]);
  const roomsById = useMemo(() => new Map(rooms.map((r) => [r.id, r])), [rooms]);

  // Senders are shown by name: the members of the rooms hits come from are fetched once.
  const roomIdsShown = groups.map((g) => g.roomId).join(',');
  useEffect(() => {
    for (const roomId of roomIdsShown ? roomIdsShown.split(',') : []) {
      if (!client.people.hasMembers(roomId)) void client.loadMembers(roomId).catch(() => undefined);
    }
  }, [client, roomIdsShown]);
  useEffect(() => {
    const roomId = state.filters.roomId;
    if (roomId && !client.people.hasMembers(roomId)) void client.loadMembers(roomId).catch(() => undefined);
  }, [client, state.filters.roomId]);

  const people = useMemo(
    () =>
      Object.values(users)
        .filter((u) => u.id !== me.id)
        .sort((a, b) => a.displayName.localeCompare(b.displayName)),
    [users, me.id],
  );
  const roomChoices = useMemo(() => [...rooms].sort((a, b) => roomTitle(a).localeCompare(roomTitle(b))), [rooms]);

  const choose = (hit: SearchHit) => {
    const { roomId, id: messageId, seq } = hit.message;
    choseRef.current = true;
    // The room's window starts loading before the page switches to it, so it opens there once.
    void client.jumpToMessage(roomId, { messageId, seq });
    searchUi.close();
    router.push(`/chat?room=${encodeURIComponent(roomId)}`);
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void searchUi.submit();
  };

  const results = () => [...(resultsRef.current?.querySelectorAll<HTMLElement>('[data-search-result]') ?? [])];
  const onInputKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    // A search field eats the first Escape to clear itself, so the dialog never hears it:
    // Escape closes the search at once, as everywhere else in the app (the query is kept).
    if (e.key === 'Escape') {
      e.preventDefault();
      searchUi.close();
      return;
    }
    if (e.key !== 'ArrowDown') return;
    const first = results()[0];
    if (!first) return;
    e.preventDefault();
    first.focus();
  };
  const onResultsKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) return;
    const items = results();
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (at < 0) return;
    e.preventDefault();
    const next =
      e.key === 'Home' ? 0 : e.key === 'End' ? items.length - 1 : e.key === 'ArrowDown' ? Math.min(at + 1, items.length - 1) : at - 1;
    if (next < 0) inputRef.current?.focus();
    else items[next]?.focus();
  };

  const filtered = hasFilters(state.filters);
  const statusId = `${id}-status`;
  const count = state.hits.length;

  return (
    <dialog
      ref={dialogRef}
      className="dialog search-dialog"
      aria-labelledby={`${id}-title`}
      onCancel={(e) => {
        e.preventDefault();
        searchUi.close();
      }}
      onClick={(e) => {
        // A click on the dialog element itself (not its panel) landed on the backdrop.
        if (e.target === dialogRef.current) searchUi.close();
      }}
    >
      <div className="search-dialog__panel">
        <h2 className="sr-only" id={`${id}-title`}>
          Search messages
        </h2>
        <form className="search-dialog__bar" role="search" onSubmit={onSubmit}>
          <SearchIcon size={18} />
          <label className="sr-only" htmlFor={`${id}-q`}>
            Search messages
          </label>
          <input
            ref={inputRef}
            id={`${id}-q`}
            className="search-dialog__input"
            type="search"
            placeholder="Search messages"
            autoComplete="off"
            spellCheck={false}
            maxLength={200}
            value={state.query}
            onChange={(e) => searchUi.setQuery(e.target.value)}
            onKeyDown={onInputKeyDown}
            aria-describedby={statusId}
          />
          <button type="button" className="icon-button" aria-label="Close search" title="Close (Esc)" onClick={() => searchUi.close()}>
            <CloseIcon size={18} />
          </button>
        </form>

        <fieldset className="search-filters">
          <legend className="sr-only">Filters</legend>
          <label className="search-filter">
            <span className="search-filter__label">In</span>
            <select
              className="input search-filter__control"
              value={state.filters.roomId ?? ''}
              onChange={(e) => searchUi.setFilters({ roomId: e.target.value || null })}
            >
              <option value="">All my rooms</option>
              {roomChoices.map((room) => (
                <option key={room.id} value={room.id}>
                  {room.kind === 'channel' ? '#' : ''}
                  {roomTitle(room)}
                </option>
              ))}
            </select>
          </label>
          <label className="search-filter">
            <span className="search-filter__label">From</span>
            <select
              className="input search-filter__control"
              value={state.filters.fromUserId ?? ''}
              onChange={(e) => searchUi.setFilters({ fromUserId: e.target.value || null })}
            >
              <option value="">Anyone</option>
              <option value={me.id}>Me</option>
              {people.map((user) => (
                <option key={user.id} value={user.id}>
                  {user.displayName} (@{user.username})
                </option>
              ))}
            </select>
          </label>
          <label className="search-filter">
            <span className="search-filter__label">From date</span>
            <input
              className="input search-filter__control"
              type="date"
              value={state.filters.fromDay}
              max={state.filters.toDay || undefined}
              onChange={(e) => searchUi.setFilters({ fromDay: e.target.value })}
            />
          </label>
          <label className="search-filter">
            <span className="search-filter__label">To date</span>
            <input
              className="input search-filter__control"
              type="date"
              value={state.filters.toDay}
              min={state.filters.fromDay || undefined}
              onChange={(e) => searchUi.setFilters({ toDay: e.target.value })}
            />
          </label>
          {filtered && (
            <button type="button" className="link-button search-filters__clear" onClick={() => searchUi.clearFilters()}>
              Clear filters
            </button>
          )}
        </fieldset>

        <div className="search-dialog__status" id={statusId} aria-live="polite">
          {state.status === 'idle' && (
            <p className="search-dialog__hint">Type to search the messages of your rooms. Press / to search from anywhere.</p>
          )}
          {state.status === 'loading' && count === 0 && <p className="search-dialog__hint">Searching…</p>}
          {state.status === 'ready' && count === 0 && (
            <div className="search-empty">
              <p className="search-empty__title">
                No messages found for “<bdi>{state.searched}</bdi>”{filtered ? ' with these filters' : ''}.
              </p>
              <p className="search-dialog__hint">
                {filtered ? 'Try clearing the filters, or other words.' : 'Try other words, or the start of a word.'}
              </p>
            </div>
          )}
          {state.status === 'ready' && count > 0 && (
            <p className="sr-only">
              {state.nextCursor
                ? `${count} messages found so far, more below.`
                : `${count === 1 ? '1 message' : `${count} messages`} found.`}
            </p>
          )}
        </div>
        {state.status === 'error' && (
          <p className="search-dialog__error" role="alert">
            {state.error}{' '}
            <button type="button" className="link-button" onClick={() => void searchUi.submit()}>
              Try again
            </button>
          </p>
        )}

        {count > 0 && (
          <div className="search-results" ref={resultsRef} onKeyDown={onResultsKeyDown} aria-busy={state.status === 'loading' || undefined}>
            {groups.map((group) => {
              const room = roomsById.get(group.roomId);
              const headingId = `${id}-room-${group.roomId}`;
              return (
                <section key={group.roomId} className="search-group" aria-labelledby={headingId}>
                  <h3 className="search-group__title" id={headingId}>
                    {room?.kind === 'channel' && <HashIcon size={13} />}
                    <bdi>{room ? roomTitle(room) : 'A conversation'}</bdi>
                  </h3>
                  <ul className="search-group__hits">
                    {group.hits.map((hit) => (
                      <li key={hit.message.id}>
                        <SearchResult hit={hit} sender={users[hit.message.senderId]} onChoose={choose} />
                      </li>
                    ))}
                  </ul>
                </section>
              );
            })}
            {state.nextCursor && (
              <button
                type="button"
                className="button button--ghost search-results__more"
                disabled={state.loadingMore}
                onClick={() => void searchUi.loadMore()}
              >
                {state.loadingMore ? 'Loading more…' : 'Show more results'}
              </button>
            )}
          </div>
        )}
      </div>
    </dialog>
  );
}

function SearchResult({ hit, sender, onChoose }: { hit: SearchHit; sender: User | undefined; onChoose: (hit: SearchHit) => void }) {
  const text = hit.highlight ?? hit.message.content;
  const parts = useMemo(() => snippetParts(text, hit.highlight ? hit.marks : []), [text, hit.highlight, hit.marks]);
  return (
    <button type="button" className="search-hit" data-search-result="" onClick={() => onChoose(hit)}>
      <span className="search-hit__meta">
        <span className="search-hit__sender">
          <bdi>{sender?.displayName ?? 'Someone'}</bdi>
        </span>{' '}
        <time className="search-hit__time" dateTime={hit.message.createdAt}>
          {hitTime.format(new Date(hit.message.createdAt))}
        </time>
      </span>
      <span className="search-hit__snippet" dir="auto">
        {/* Text nodes and <mark> elements made here: nothing from the server is ever parsed as HTML. */}
        {parts.map((part, i) => (part.marked ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
      </span>
    </button>
  );
}
