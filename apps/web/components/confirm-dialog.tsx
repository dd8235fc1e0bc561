'use client';

import { useState, type ReactNode } from 'react';
import { Dialog } from './dialog';

/**
 * "Are you sure?" in the page's own look instead of the browser's confirm(): the title asks,
 * the description says what will happen, the confirming button names the action. Focus
 * starts on Cancel, so an Enter pressed by habit does not destroy anything; Escape and a
 * click outside cancel (the Dialog's). While the action runs both buttons wait; if it fails,
 * the reason shows here and the person can try again or cancel.
 */
export function ConfirmDialog({
  title,
  description,
  confirmLabel,
  destructive = true,
  onConfirm,
  onClose,
  children,
}: {
  title: string;
  description: string;
  confirmLabel: string;
  /** Styled as danger (the default): deleting, leaving, removing. */
  destructive?: boolean;
  /** Resolves when done (the caller closes the dialog, or moves on); a rejection's message is shown. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
  /** What the action applies to, shown between the description and the buttons. */
  children?: ReactNode;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
    } catch (err) {
      setError(err instanceof Error ? err.message : 'That did not work. Try again.');
      setBusy(false);
    }
  }

  return (
    <Dialog title={title} description={description} onClose={busy ? () => undefined : onClose}>
      {children}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form__actions">
        <button type="button" className="button" data-autofocus="" onClick={onClose} disabled={busy}>
          Cancel
        </button>
        <button
          type="button"
          className={`button ${destructive ? 'button--danger' : 'button--primary'}`}
          disabled={busy}
          aria-busy={busy || undefined}
          onClick={() => void confirm()}
        >
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
