'use client';

import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { LIMITS } from '@qc/shared';
import { useAutosize } from '../lib/use-autosize';
import { toWire, type PickedMention } from '../lib/mentions/mention-text';

const MAX_HEIGHT_PX = 240;

/** Editing a message in place: Enter saves, Shift+Enter is a new line, Escape cancels. */
export function MessageEditor({
  initial,
  picked = [],
  onSave,
  onCancel,
}: {
  initial: string;
  /** The `@names` in `initial` and whom they stand for: saved back as references. */
  picked?: readonly PickedMention[];
  onSave: (content: string) => Promise<boolean>;
  onCancel: () => void;
}) {
  const id = useId();
  const [text, setText] = useState(initial);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);

  /**
   * Saved or cancelled from the keyboard: back to the composer, where typing goes on. Done
   * before the editor goes (not in an unmount cleanup: by then its textarea has left the
   * page, and with it the focus this checks for).
   */
  function backToComposer(hadFocus = document.activeElement === ref.current) {
    if (hadFocus) document.querySelector<HTMLTextAreaElement>('.composer__input')?.focus();
  }

  useAutosize(ref, text, MAX_HEIGHT_PX);

  const trimmed = text.trim();
  const canSave = trimmed.length > 0 && text.length <= LIMITS.messageContentMax && !busy;

  async function save() {
    if (!canSave) return;
    // Nothing changed: nothing to send, and no "(edited)" for it.
    if (trimmed === initial.trim()) {
      backToComposer();
      onCancel();
      return;
    }
    const hadFocus = document.activeElement === ref.current;
    setBusy(true);
    const saved = await onSave(toWire(trimmed, picked));
    // The editor may be gone by now (a save closes it), so whether it had the focus was noted before.
    if (saved) backToComposer(hadFocus);
    else setBusy(false);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.nativeEvent.isComposing) return;
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      void save();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      backToComposer();
      onCancel();
    }
  }

  return (
    <div className="message-editor">
      <label className="sr-only" htmlFor={`${id}-edit`}>
        Edit message
      </label>
      <textarea
        ref={ref}
        id={`${id}-edit`}
        className="message-editor__input"
        rows={1}
        maxLength={LIMITS.messageContentMax}
        value={text}
        disabled={busy}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        aria-describedby={`${id}-hint`}
      />
      <p className="message-editor__hint" id={`${id}-hint`}>
        Enter to save, Escape to cancel.{' '}
        <button type="button" className="link-button" onClick={onCancel}>
          Cancel
        </button>{' '}
        <button type="button" className="link-button" disabled={!canSave} onClick={() => void save()}>
          Save
        </button>
      </p>
    </div>
  );
}
