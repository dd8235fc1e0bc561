'use client';

import { useId, useState, type FormEvent } from 'react';
import { REPORT_REASONS, type Message, type ReportReason } from '@qc/shared';
import { api } from '@/lib/api';
import { plainTextOf, usePlainTextReady } from '@/lib/markdown/preview';
import { Dialog } from './dialog';

const REASON_LABELS: Record<ReportReason, string> = {
  spam: 'Spam or scam',
  harassment: 'Harassment or bullying',
  hate: 'Hate speech',
  sexual: 'Sexual content',
  violence: 'Violence or threats',
  'self-harm': 'Self-harm',
  other: 'Something else',
};

/**
 * "Report message": why, and a note for the moderators. The report goes to the instance's
 * moderators with a copy of the message and the conversation around it as they are now;
 * the person reported is not told who reported them. The outcome comes back later.
 */
export function ReportMessageDialog({ message, authorName, onClose }: { message: Message; authorName: string; onClose: () => void }) {
  const id = useId();
  usePlainTextReady();
  const [reason, setReason] = useState<ReportReason | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const text = plainTextOf(message.content).trim();
  const preview = text.length > 140 ? `${text.slice(0, 140)}…` : text;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!reason) return setError('Choose what is wrong with it.');
    setBusy(true);
    setError(null);
    try {
      await api.reportMessage(message.roomId, message.id, { reason, note: note.trim() });
      setSent(true);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Could not send the report. Try again.');
    } finally {
      setBusy(false);
    }
  }

  if (sent) {
    return (
      <Dialog title="Report sent" onClose={onClose}>
        <p role="status">Thank you. The moderators will look at it, and you will hear what they decided.</p>
        <div className="form__actions">
          <button type="button" className="button button--primary" data-autofocus="" onClick={onClose}>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog
      title="Report message"
      description={`The moderators see this message by ${authorName} and the conversation around it.`}
      onClose={onClose}
    >
      <form className="form" onSubmit={onSubmit} noValidate>
        <blockquote className="delete-message__preview" dir="auto">
          {preview}
        </blockquote>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <fieldset className="moderate__actions">
          <legend>What is wrong with it?</legend>
          {REPORT_REASONS.map((r) => (
            <label key={r} className="moderate__action">
              <input type="radio" name={`${id}-reason`} value={r} checked={reason === r} onChange={() => setReason(r)} />
              <span>{REASON_LABELS[r]}</span>
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-note`}>Anything the moderators should know (optional)</label>
          <textarea id={`${id}-note`} className="input" rows={3} maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--danger" disabled={busy}>
            Report
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export { REASON_LABELS };
