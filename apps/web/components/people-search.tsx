'use client';

import { useEffect, useId, useState } from 'react';
import type { User } from '@qc/shared';
import { api } from '@/lib/api';
import { useChatClient, useStore } from '@/lib/use-chat';
import { Avatar } from './avatar';

const SEARCH_DELAY_MS = 200;

/**
 * Finds people by name or username. Picking one calls `onPick`; the person using it is
 * never offered (the api's search excludes nobody).
 */
export function PeopleSearch({
  label = 'Search people',
  onPick,
  excludeIds = [],
  actionLabel,
  disabled = false,
  autoFocus = true,
}: {
  label?: string;
  onPick: (user: User) => void;
  excludeIds?: readonly string[];
  /** Visible verb on each result, e.g. "Add"; the person's name alone when omitted. */
  actionLabel?: string;
  disabled?: boolean;
  autoFocus?: boolean;
}) {
  const meId = useStore(useChatClient().people, (s) => s.me.id);
  const id = useId();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<User[]>([]);
  const [status, setStatus] = useState<'idle' | 'searching' | 'done' | 'error'>('idle');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setResults([]);
      setStatus('idle');
      return;
    }
    let cancelled = false;
    const timer = setTimeout(() => {
      setStatus('searching');
      api.searchUsers(q.slice(0, 64)).then(
        (users) => {
          if (cancelled) return;
          setResults(users);
          setStatus('done');
        },
        (err: unknown) => {
          if (cancelled) return;
          setError(err instanceof Error ? err.message : 'Search failed.');
          setStatus('error');
        },
      );
    }, SEARCH_DELAY_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [query]);

  const hidden = new Set([meId, ...excludeIds]);
  const shown = results.filter((u) => !hidden.has(u.id));

  return (
    <div className="people-search">
      <label className="field__label" htmlFor={`${id}-q`}>
        {label}
      </label>
      <input
        id={`${id}-q`}
        className="input"
        type="text"
        placeholder="Name or username"
        autoComplete="off"
        spellCheck={false}
        data-autofocus={autoFocus ? '' : undefined}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        aria-describedby={`${id}-status`}
      />
      <p className="people-search__status" id={`${id}-status`} aria-live="polite">
        {status === 'searching' && 'Searching…'}
        {status === 'done' && shown.length === 0 && `No one found for “${query.trim()}”.`}
        {status === 'error' && error}
      </p>
      {shown.length > 0 && (
        <ul className="people-search__results">
          {shown.map((user) => (
            <li key={user.id}>
              <button type="button" className="person-row" disabled={disabled} onClick={() => onPick(user)}>
                <Avatar user={user} size={28} />
                <span className="person-row__names">
                  <span className="person-row__name">
                    <bdi>{user.displayName}</bdi>
                  </span>{' '}
                  <span className="person-row__username">
                    @<bdi>{user.username}</bdi>
                  </span>
                </span>
                {actionLabel && <span className="person-row__action">{actionLabel}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
