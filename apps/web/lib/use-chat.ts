'use client';

import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ChatClient } from './chat-client';
import type { Timeline } from './stores/timeline-store';
import type { PendingMessage } from './stores/outbox-store';
import type { Pointers } from './stores/receipts-store';
import type { MyRoom } from '@qc/shared';

export const ChatClientContext = createContext<ChatClient | null>(null);

export function useChatClient(): ChatClient {
  const client = useContext(ChatClientContext);
  if (!client) throw new Error('useChatClient needs a ChatClientContext provider');
  return client;
}

interface ReadableStore<S> {
  subscribe(listener: () => void): () => void;
  getState(): S;
}

/**
 * A slice of one store's state. The selector must return something already in the state
 * (state is replaced immutably, so such slices keep their identity until they change);
 * derive anything new with useMemo in the component.
 */
export function useStore<S, T>(store: ReadableStore<S>, selector: (state: S) => T): T {
  return useSyncExternalStore(
    store.subscribe,
    () => selector(store.getState()),
    () => selector(store.getState()),
  );
}

const NO_PENDING: readonly PendingMessage[] = [];

export function useRoom(roomId: string): MyRoom | undefined {
  const client = useChatClient();
  return useStore(client.rooms, (s) => s.rooms.find((r) => r.id === roomId));
}

export function useTimeline(roomId: string): Timeline | undefined {
  const client = useChatClient();
  return useStore(client.timelines, (s) => s[roomId]);
}

export function usePending(roomId: string): readonly PendingMessage[] {
  const client = useChatClient();
  return useStore(client.outbox, (s) => s[roomId] ?? NO_PENDING);
}

export function useReceipts(roomId: string): Readonly<Record<string, Pointers>> | undefined {
  const client = useChatClient();
  return useStore(client.receipts, (s) => s[roomId]);
}
