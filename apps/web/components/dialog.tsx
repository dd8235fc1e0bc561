'use client';

import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { CloseIcon } from './icons';

const FOCUSABLE = 'button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

/**
 * Tab from the last control goes back to the first, Shift+Tab from the first to the last.
 * A modal <dialog> makes the page behind it inert, but Chromium still lets Tab leave it for
 * the browser's own toolbar, from where the next Tab lands nowhere a keyboard user can see.
 */
function keepFocusInside(dialog: HTMLDialogElement, e: KeyboardEvent) {
  const controls = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => !el.matches(':disabled') && el.getClientRects().length > 0,
  );
  const first = controls[0];
  const last = controls[controls.length - 1];
  if (!first || !last) return;
  if (e.shiftKey && document.activeElement === first) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  }
}

/**
 * A modal on the native <dialog>: the browser makes the page behind it inert and turns
 * Escape into `cancel`; Tab stays among its controls. Mounting it opens it; the parent
 * unmounts it to close. Focus goes to the first field marked `data-autofocus` (React's autoFocus fires before
 * the dialog is open, when nothing inside can take focus) and back where it was on close.
 */
export function Dialog({
  title,
  description,
  onClose,
  children,
}: {
  title: string;
  description?: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const returnFocusTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const first =
      dialog.querySelector<HTMLElement>('[data-autofocus]') ??
      dialog.querySelector<HTMLElement>('input, textarea, select, button:not([data-dialog-close])');
    first?.focus();
    return () => {
      if (dialog.open) dialog.close();
      if (returnFocusTo?.isConnected) returnFocusTo.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onKeyDown={(e) => {
        // Escape answers this dialog only: a panel it was opened from (members, a thread)
        // closes on an Escape that bubbles up to it. The browser still turns it into `cancel`.
        if (e.key === 'Escape') e.stopPropagation();
        if (e.key === 'Tab' && ref.current) keepFocusInside(ref.current, e);
      }}
      onClick={(e) => {
        // A click on the dialog element itself (not its panel) landed on the backdrop.
        if (e.target === ref.current) onClose();
      }}
    >
      <div className="dialog__panel">
        <header className="dialog__header">
          <h2 className="dialog__title" id={titleId}>
            {title}
          </h2>
          <button type="button" className="icon-button" data-dialog-close aria-label="Close" onClick={onClose}>
            <CloseIcon />
          </button>
        </header>
        {description && (
          <p className="dialog__description" id={descriptionId}>
            {description}
          </p>
        )}
        <div className="dialog__body">{children}</div>
      </div>
    </dialog>
  );
}
