'use client';

import { useEffect, useMemo, useState } from 'react';
import type { Message } from '@qc/shared';
import { formatFull, formatTime } from '@/lib/format-time';
import { jumpToMessage } from '@/lib/jump-to-message';
import { snippetOf, usePlainTextReady } from '@/lib/quote';
import { livePins } from '@/lib/stores/pinned';
import { useChatClient, useStore, useTimeline } from '@/lib/use-chat';
import { PINNED_PANEL_ID } from './room-header';
import { SidePanel } from './side-panel';

const NO_MESSAGES: readonly Message[] = [];

/**
 * The room's pinned messages: fetched once when the panel opens, then kept current by the
 * stream (a pin or unpin made meanwhile shows without a refetch). An item jumps to its message.
 */
export function PinnedPanel({ roomId, onClose }: { roomId: string; onClose: () => void }) {
  const client = useChatClient();
  const users = useStore(client.people, (s) => s.users);
  const loaded = useTimeline(roomId)?.messages ?? NO_MESSAGES;
  usePlainTextReady(); // the snippets, plain once the parser is in
  const [fetched, setFetched] = useState<readonly Message[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    client.loadPins(roomId).then(
      (messages) => live && setFetched(messages),
      (err: unknown) => live && setError(err instanceof Error && err.message ? err.message : 'Could not load the pinned messages.'),
    );
    return () => {
      live = false;
    };
  }, [client, roomId]);

  const pins = useMemo(() => (fetched ? livePins(fetched, loaded) : []), [fetched, loaded]);

  function jump(message: Message) {
    if (jumpToMessage(message.id)) return;
    client.connection.showNotice('That message is further back: scroll up to load it.');
  }

  return (
    <SidePanel
      id={PINNED_PANEL_ID}
      className="members pinned-panel"
      label="Pinned messages"
      title="Pinned"
      closeLabel="Close pinned messages"
      onClose={onClose}
    >
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {!fetched && !error && <p className="members__loading">Loading…</p>}
      {fetched && pins.length === 0 && <p className="members__loading">Nothing is pinned in this conversation yet.</p>}
      <ul className="pinned-panel__list">
        {pins.map((m) => {
          const name = users[m.senderId]?.displayName ?? 'Someone';
          return (
            <li key={m.id}>
              <button type="button" className="pinned-panel__item" data-testid="pinned-item" onClick={() => jump(m)}>
                <span className="pinned-panel__meta">
                  <span className="message__quote-name">
                    <bdi>{name}</bdi>
                  </span>{' '}
                  <time dateTime={m.createdAt} title={formatFull(m.createdAt)}>
                    {formatTime(m.createdAt)}
                  </time>
                </span>
                <span className="pinned-panel__text">
                  <bdi>{snippetOf(m)}</bdi>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </SidePanel>
  );
}
