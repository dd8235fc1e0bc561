'use client';

import { useId, useState, type FormEvent } from 'react';
import { moderationReason } from '@qc/shared';
import { Dialog } from '../dialog';
import { FormError } from '../form-error';

/**
 * The dashboard's confirmation for an action that goes into the audit log: what it does,
 * a reason (required: the log keeps it), and the button that does it. `onConfirm` throws
 * to show its error and keep the dialog open.
 */
export function ReasonDialog({
  title,
  description,
  confirm,
  danger,
  onConfirm,
  onClose,
}: {
  title: string;
  description: string;
  confirm: string;
  danger: boolean;
  onConfirm: (reason: string) => Promise<void>;
  onClose: () => void;
}) {
  const id = useId();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = moderationReason.safeParse(reason);
    if (!parsed.success) return setError('Say why (the audit log keeps it).');
    setBusy(true);
    setError(null);
    try {
      await onConfirm(parsed.data);
    } catch (err) {
      setBusy(false);
      setError(err instanceof Error ? err.message : 'Could not do that.');
    }
  };

  return (
    <Dialog title={title} description={description} onClose={onClose}>
      <form className="form" onSubmit={onSubmit} noValidate>
        <FormError error={error} />
        <div className="field">
          <label htmlFor={`${id}-reason`}>Reason</label>
          <textarea
            id={`${id}-reason`}
            className="input"
            rows={3}
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </div>
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={danger ? 'button button--danger' : 'button button--primary'} disabled={busy}>
            {confirm}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
