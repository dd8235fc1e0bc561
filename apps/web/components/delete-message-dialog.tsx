'use client';

import { useState } from 'react';
import type { Message } from '@qc/shared';
import { plainTextOf, usePlainTextReady } from '@/lib/markdown/preview';
import { Dialog } from './dialog';

/** "Delete this message?": a delete cannot be undone, so it is asked once. */
export function DeleteMessageDialog({
  message,
  onDelete,
  onClose,
}: {
  message: Message;
  onDelete: (message: Message) => Promise<boolean>;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  // The words of the message, without its markdown: a preview, not the message itself.
  usePlainTextReady();
  const text = plainTextOf(message.content).trim();
  const preview = text.length > 140 ? `${text.slice(0, 140)}…` : text;

  async function confirm() {
    setBusy(true);
    await onDelete(message);
    // Refused or not, the notice says what happened; the question is answered either way.
    onClose();
  }

  return (
    <Dialog
      title="Delete message"
      description="Everyone in the conversation will see that it was deleted. This can't be undone."
      onClose={onClose}
    >
      {/* A block of its own: an override in it ends with it; dir=auto sets it right-to-left when it is. */}
      <blockquote className="delete-message__preview" dir="auto">
        {preview}
      </blockquote>
      <div className="form__actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button button--danger" disabled={busy} onClick={() => void confirm()}>
          Delete
        </button>
      </div>
    </Dialog>
  );
}
