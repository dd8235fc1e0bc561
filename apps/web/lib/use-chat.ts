'use client';

import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ChatState, ChatStore } from './chat-store';

export const ChatStoreContext = createContext<ChatStore | null>(null);

export function useChatStore(): ChatStore {
  const store = useContext(ChatStoreContext);
  if (!store) throw new Error('useChatStore needs a ChatStoreContext provider');
  return store;
}

/**
 * A slice of the chat state. The selector must return something already in the state
 * (state is replaced immutably, so such slices keep their identity until they change);
 * derive anything new with useMemo in the component.
 */
export function useChatState<T>(selector: (state: ChatState) => T): T {
  const store = useChatStore();
  return useSyncExternalStore(
    store.subscribe,
    () => selector(store.getState()),
    () => selector(store.getState()),
  );
}
