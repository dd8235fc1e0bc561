'use client';

import { useEffect, useId, useRef, type ReactNode } from 'react';
import { CloseIcon } from './icons';

/**
 * A modal on the native <dialog>: the browser traps focus, makes the page behind it inert
 * and turns Escape into `cancel`. Mounting it opens it; the parent unmounts it to close.
 * Focus goes to the first field marked `data-autofocus` (React's autoFocus fires before
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
