'use client';

import { createContext, useContext } from 'react';
import type { Message } from '@qc/shared';

/**
 * What can be done to a stored message, given once by the message list so each (memoised)
 * message does not re-render when a new callback is made.
 */
export interface MessageActions {
  /**
   * The room is archived: its messages are kept as they are, so edit, react, reply, thread
   * and pin are not offered (the server refuses them READ_ONLY). Delete and report stay.
   */
  frozen?: boolean;
  startEdit(messageId: string): void;
  cancelEdit(): void;
  /** Resolves whether it was saved (the editor closes then, and stays open otherwise). */
  saveEdit(message: Message, content: string): Promise<boolean>;
  askDelete(message: Message): void;
  toggleReaction(message: Message, emoji: string): void;
  /** Opens the thread under a message; absent inside the thread panel, where there is no thread to start. */
  openThread?(message: Message): void;
  /** Puts "Replying to …" above the room's composer; absent in the thread panel, whose composer does not quote. */
  replyTo?(message: Message): void;
  /** Scrolls to a message on screen and highlights it for a moment (a quote was clicked). */
  jumpTo?(messageId: string): void;
  /** Pins the message to the room, or unpins it. */
  togglePin?(message: Message): void;
  /** Opens "Report message" (someone else's message). */
  askReport?(message: Message): void;
  /** Opens the moderation dialog (mute, remove, ban) on the message's author, for the room's or the instance's staff. */
  moderateAuthor?(message: Message): void;
}

export const MessageActionsContext = createContext<MessageActions | null>(null);

export function useMessageActions(): MessageActions {
  const actions = useContext(MessageActionsContext);
  if (!actions) throw new Error('useMessageActions needs a MessageActionsContext provider');
  return actions;
}
