'use client';

import { useEffect, useId, useState } from 'react';
import type { BrowsedChannel } from '@qc/shared';
import { api } from '@/lib/api';
import { useChatClient } from '@/lib/use-chat';
import { Dialog } from './dialog';
import { HashIcon } from './icons';

const SEARCH_DELAY_MS = 200;

/** Public channels, with Join (or Open for the ones I am already in). */
export function BrowseChannelsDialog({ onClose, onOpenRoom }: { onClose: () => void; onOpenRoom: (roomId: string) => void }) {
  const client = useChatClient();
  const id = useId();
  const [query, setQuery] = useState('');
  const [channels, setChannels] = useState<BrowsedChannel[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [joining, setJoining] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(
      () => {
        api.browseChannels(query.trim().slice(0, 80)).then(
          (list) => {
            if (!cancelled) {
              setChannels(list);
              setError(null);
            }
          },
          (err: unknown) => {
            if (!cancelled) setError(err instanceof Error ? err.message : 'Could not load channels.');
          },
        );
      },
      query ? SEARCH_DELAY_MS : 0,
    );
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [query]);

  async function join(channel: BrowsedChannel) {
    if (channel.joined) {
      onOpenRoom(channel.id);
      return;
    }
    setJoining(channel.id);
    setError(null);
    try {
      await client.joinChannel(channel.id);
      onOpenRoom(channel.id);
    } catch (err) {
      setJoining(null);
      setError(err instanceof Error ? err.message : 'Could not join the channel.');
    }
  }

  return (
    <Dialog title="Browse channels" onClose={onClose}>
      <div className="field">
        <label htmlFor={`${id}-q`}>Search channels</label>
        <input
          id={`${id}-q`}
          className="input"
          type="text"
          autoComplete="off"
          data-autofocus=""
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {channels === null && !error && <p className="muted">Loading channels…</p>}
      {channels?.length === 0 && (
        <p className="muted">{query.trim() ? `No channels match “${query.trim()}”.` : 'No channels yet. Create the first one!'}</p>
      )}
      {channels && channels.length > 0 && (
        <ul className="channel-list">
          {channels.map((c) => (
            <li key={c.id} className="channel-row">
              <span className="channel-row__icon" aria-hidden="true">
                <HashIcon size={16} />
              </span>
              <span className="channel-row__text">
                <span className="channel-row__name">
                  <bdi>{c.name}</bdi>
                </span>
                <span className="channel-row__meta">
                  {c.memberCount} {c.memberCount === 1 ? 'member' : 'members'}
                  {c.topic && (
                    <>
                      {' · '}
                      <bdi>{c.topic}</bdi>
                    </>
                  )}
                </span>
              </span>
              <button
                type="button"
                className={`button button--small${c.joined ? '' : ' button--primary'}`}
                disabled={joining !== null}
                aria-label={`${c.joined ? 'Open' : 'Join'} ${c.name}`}
                onClick={() => void join(c)}
              >
                {c.joined ? 'Open' : joining === c.id ? 'Joining…' : 'Join'}
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
