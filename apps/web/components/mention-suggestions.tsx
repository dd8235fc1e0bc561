'use client';

import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type { User } from '@qc/shared';
import { api } from '@/lib/api';
import { loadDraftMentions, saveDraftMentions } from '@/lib/mentions/draft-mentions';
import { browserStorage } from '@/lib/stores/storage';
import {
  insertMention,
  mentionQueryAt,
  rankCandidates,
  toWire,
  type MentionCandidate,
  type PickedMention,
} from '@/lib/mentions/mention-text';
import { useChatClient, useStore } from '@/lib/use-chat';
import { Avatar } from './avatar';

/** `@here` and `@channel`, offered to the room's owners and admins only (the server refuses anyone else). */
const BROADCASTS = [
  { word: 'here', hint: 'members online now' },
  { word: 'channel', hint: 'everyone in this room' },
] as const;

type Suggestion =
  | { kind: 'person'; candidate: MentionCandidate; user: User | undefined }
  | { kind: 'broadcast'; word: (typeof BROADCASTS)[number]['word']; hint: string };

/**
 * The composer's `@` autocomplete: the room's members as you type (keyboard and mouse),
 * people outside the room after them (marked, so the sender can invite them), and `@here` /
 * `@channel` for owners and admins. It keeps which person each inserted name stands for, so
 * the text sent carries references (see lib/mentions/mention-text.ts).
 */
export function useMentionAutocomplete({
  roomId,
  draftKey,
  textareaRef,
  text,
  setText,
  listboxId,
}: {
  roomId: string;
  /** The composer's draft (room, or thread in it): who its "@Names" stand for is kept with it. */
  draftKey: string;
  textareaRef: RefObject<HTMLTextAreaElement | null>;
  text: string;
  setText: (value: string) => void;
  listboxId: string;
}) {
  const client = useChatClient();
  const meId = useStore(client.people, (s) => s.me.id);
  const members = useStore(client.people, (s) => s.members[roomId]);
  const users = useStore(client.people, (s) => s.users);
  const role = useStore(client.rooms, (s) => s.rooms.find((r) => r.id === roomId)?.role);
  const [query, setQuery] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const [others, setOthers] = useState<User[]>([]);
  const picked = useRef<PickedMention[] | null>(null);
  // A restored draft's "@Names" still stand for the people picked before the reload.
  if (picked.current === null) picked.current = loadDraftMentions(browserStorage(), meId, draftKey);
  const keepPicked = (next: PickedMention[]) => {
    picked.current = next;
    saveDraftMentions(browserStorage(), meId, draftKey, next);
  };

  useEffect(() => {
    if (!members) void client.loadMembers(roomId).catch(() => undefined);
  }, [client, members, roomId]);

  // People outside the room, for a query of two letters or more (the server's people search).
  useEffect(() => {
    if (!query || query.query.length < 2) return setOthers([]);
    let stale = false;
    const t = setTimeout(() => {
      api.searchUsers(query.query).then(
        (found) => !stale && setOthers(found),
        () => undefined,
      );
    }, 150);
    return () => {
      stale = true;
      clearTimeout(t);
    };
  }, [query]);

  const suggestions = useMemo<Suggestion[]>(() => {
    if (!query) return [];
    const memberIds = new Set((members ?? []).map((m) => m.userId));
    const candidates: MentionCandidate[] = [
      ...(members ?? [])
        .filter((m) => m.userId !== meId)
        .map((m) => ({ userId: m.userId, displayName: m.user.displayName, username: m.user.username, member: true })),
      ...others
        .filter((u) => !memberIds.has(u.id) && u.id !== meId)
        .map((u) => ({ userId: u.id, displayName: u.displayName, username: u.username, member: false })),
    ];
    const people: Suggestion[] = rankCandidates(query.query, candidates).map((candidate) => ({
      kind: 'person',
      candidate,
      user: users[candidate.userId] ?? others.find((u) => u.id === candidate.userId),
    }));
    const canBroadcast = role === 'owner' || role === 'admin';
    const broadcasts: Suggestion[] = canBroadcast
      ? BROADCASTS.filter((b) => b.word.startsWith(query.query.toLowerCase())).map((b) => ({ kind: 'broadcast', ...b }))
      : [];
    return [...people, ...broadcasts];
  }, [query, members, others, meId, users, role]);

  const open = suggestions.length > 0;

  /** The caret moved or the text changed: is an `@word` being typed? */
  const refresh = useCallback(
    (value: string) => {
      const el = textareaRef.current;
      const caret = el?.selectionStart ?? value.length;
      const q = mentionQueryAt(value, caret);
      setQuery((prev) => (prev?.start === q?.start && prev?.query === q?.query ? prev : q));
      setActive(0);
    },
    [textareaRef],
  );

  function choose(s: Suggestion) {
    const el = textareaRef.current;
    if (!query || !el) return;
    const caret = el.selectionStart ?? text.length;
    const label = s.kind === 'person' ? s.candidate.displayName : s.word;
    const next = insertMention(text, query.start, caret, label);
    if (s.kind === 'person') keepPicked([...(picked.current ?? []).filter((p) => p.label !== label), { label, userId: s.candidate.userId }]);
    setText(next.text);
    setQuery(null);
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(next.caret, next.caret);
    });
  }

  /** Arrow keys, Enter/Tab and Escape while the list is open; returns true when it took the key. */
  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): boolean {
    if (!open || event.nativeEvent.isComposing) return false;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (i + step + suggestions.length) % suggestions.length);
      return true;
    }
    if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault();
      choose(suggestions[active] ?? suggestions[0]!);
      return true;
    }
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      setQuery(null);
      return true;
    }
    return false;
  }

  /** What to send for `value`, and the people it names who are not in the room (to offer an invitation). */
  function prepare(value: string): { wire: string; outsiders: { userId: string; label: string }[] } {
    const chosen = picked.current ?? [];
    const wire = toWire(value, chosen);
    const memberIds = new Set((members ?? []).map((m) => m.userId));
    const outsiders = members ? chosen.filter((p) => wire.includes(`<@${p.userId}>`) && !memberIds.has(p.userId)) : [];
    return { wire, outsiders };
  }

  function reset() {
    keepPicked([]);
    setQuery(null);
  }

  const activeId = open ? `${listboxId}-${active}` : undefined;
  const list = open ? (
    <ul className="mention-suggestions" id={listboxId} role="listbox" aria-label="People to mention">
      {suggestions.map((s, i) => (
        <li
          key={s.kind === 'person' ? s.candidate.userId : s.word}
          id={`${listboxId}-${i}`}
          role="option"
          aria-selected={i === active}
          className="mention-suggestions__item"
          // mousedown, not click: the textarea must keep its focus and caret.
          onMouseDown={(e) => {
            e.preventDefault();
            choose(s);
          }}
          onMouseEnter={() => setActive(i)}
        >
          {s.kind === 'person' ? (
            <>
              {s.user && <Avatar user={s.user} size={24} />}
              <bdi>{s.candidate.displayName}</bdi>
              <span className="mention-suggestions__hint">
                @{s.candidate.username}
                {s.candidate.member ? '' : ' · not in this room'}
              </span>
            </>
          ) : (
            <>
              <strong>@{s.word}</strong>
              <span className="mention-suggestions__hint">{s.hint}</span>
            </>
          )}
        </li>
      ))}
    </ul>
  ) : null;

  return {
    refresh,
    onKeyDown,
    prepare,
    reset,
    list,
    // A textarea keeps its textbox role (ARIA in HTML allows no other), which may still own a
    // list it autocompletes from and point at the option under the arrow keys.
    textboxProps: {
      'aria-autocomplete': 'list' as const,
      'aria-controls': open ? listboxId : undefined,
      'aria-activedescendant': activeId,
    },
  };
}
