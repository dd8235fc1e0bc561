'use client';

import { useEffect, useId, useState, type FormEvent } from 'react';
import { spamSettingsUpdateBody, type SpamSettingsView } from '@qc/shared';
import { api } from '@/lib/api';
import { FormError } from '../form-error';

/**
 * The instance's spam rules beside its word rules: how many rooms the same text may go into
 * within a window, and how old an account must be to post links. 0 turns either off; a
 * change needs a reason (it is in the audit log with before and after).
 */
export function SpamRulesForm() {
  const id = useId();
  const [saved, setSaved] = useState<SpamSettingsView | null>(null);
  const [repeatRooms, setRepeatRooms] = useState('');
  const [windowMinutes, setWindowMinutes] = useState('');
  const [linkMinutes, setLinkMinutes] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const show = (s: SpamSettingsView) => {
    setSaved(s);
    setRepeatRooms(String(s.repeatRooms));
    setWindowMinutes(String(Math.max(1, Math.round(s.repeatWindowSeconds / 60))));
    setLinkMinutes(String(s.newAccountLinkMinutes));
  };
  useEffect(() => {
    api.spamRules().then(show, (e: unknown) => setError(e instanceof Error ? e.message : 'Could not read the spam rules.'));
  }, []);

  const onSave = async (e: FormEvent) => {
    e.preventDefault();
    setStatus(null);
    const parsed = spamSettingsUpdateBody.safeParse({
      repeatRooms: Number(repeatRooms),
      repeatWindowSeconds: Number(windowMinutes) * 60,
      newAccountLinkMinutes: Number(linkMinutes),
      reason: reason.trim(),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path[0];
      return setError(
        field === 'reason'
          ? 'Say why you are changing them: the reason goes into the audit log.'
          : field === 'repeatRooms'
            ? 'Rooms: 0 (off) or a whole number from 2 to 50.'
            : field === 'repeatWindowSeconds'
              ? 'Within: a whole number of minutes from 1 to 1440.'
              : 'New accounts: a whole number of minutes, 0 (off) to 43200.',
      );
    }
    try {
      show(await api.setSpamRules(parsed.data));
      setReason('');
      setError(null);
      setStatus('Saved. Every server applies them from the next message.');
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Could not save the spam rules.');
    }
  };

  return (
    <form className="form admin__rule-form" onSubmit={onSave} aria-labelledby={`${id}-title`} data-testid="spam-rules">
      <h3 id={`${id}-title`}>Spam rules</h3>
      <p className="muted">
        Staff are never held back by these.{' '}
        {saved?.updatedAt ? `Last changed ${new Date(saved.updatedAt).toLocaleString()}.` : 'These are the defaults.'}
      </p>
      <FormError error={error} />
      <div className="field">
        <label htmlFor={`${id}-rooms`}>Refuse a message copied into this many rooms (0: off)</label>
        <input
          id={`${id}-rooms`}
          className="input"
          inputMode="numeric"
          value={repeatRooms}
          onChange={(e) => setRepeatRooms(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-window`}>…within this many minutes</label>
        <input
          id={`${id}-window`}
          className="input"
          inputMode="numeric"
          value={windowMinutes}
          onChange={(e) => setWindowMinutes(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-links`}>New accounts can post links after this many minutes (0: at once)</label>
        <input
          id={`${id}-links`}
          className="input"
          inputMode="numeric"
          value={linkMinutes}
          onChange={(e) => setLinkMinutes(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-reason`}>Reason for the change</label>
        <input id={`${id}-reason`} className="input" maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
      <div className="form__actions form__actions--start">
        <button type="submit" className="button button--primary">
          Save spam rules
        </button>
      </div>
      {status && <p role="status">{status}</p>}
    </form>
  );
}
