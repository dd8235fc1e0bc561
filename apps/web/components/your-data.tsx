'use client';

import { disablePush } from '@/lib/push/web-push';
import { useRouter } from '@/lib/router/router';
import { useId, useState, type FormEvent } from 'react';
import { DELETED_USER_NAME, deleteAccountBody, type DeletedMessagesChoice, type User } from '@qc/shared';
import { confirmationMatches, deleteMyAccount, fetchMyData, saveFile } from '@/lib/my-data';
import { session } from '@/lib/session';
import { Dialog } from './dialog';

/**
 * Settings' "Your data" (the GDPR/CCPA rights): download everything Quantum Chat holds
 * about you, and delete your account, saying before you confirm what happens to your
 * messages, and letting you choose.
 */
export function YourData({ user }: { user: User }) {
  const id = useId();
  const [downloading, setDownloading] = useState(false);
  const [downloaded, setDownloaded] = useState<string | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);

  async function download() {
    setDownloading(true);
    setDownloaded(null);
    setDownloadError(null);
    try {
      const { blob, fileName } = await fetchMyData();
      saveFile(blob, fileName);
      setDownloaded(`Downloaded as ${fileName}.`);
    } catch (err) {
      setDownloadError(err instanceof Error ? err.message : 'Could not download your data. Please try again.');
    } finally {
      setDownloading(false);
    }
  }

  return (
    <section className="your-data" aria-labelledby={`${id}-title`}>
      <h2 className="settings__subtitle" id={`${id}-title`}>
        Your data
      </h2>

      <div className="your-data__row">
        <div>
          <h3 className="your-data__label">Download my data</h3>
          <p className="muted your-data__text">
            Everything Quantum Chat holds about you, as one JSON file: your profile, signed-in devices, rooms, every message you sent (with
            its earlier versions), and your reactions and pins.
          </p>
        </div>
        <button type="button" className="button" disabled={downloading} onClick={() => void download()}>
          {downloading ? 'Preparing…' : 'Download my data'}
        </button>
      </div>
      <p role="status" className="your-data__status">
        {downloaded ?? ''}
      </p>
      {downloadError && (
        <p className="form-error" role="alert">
          {downloadError}
        </p>
      )}

      <div className="your-data__row">
        <div>
          <h3 className="your-data__label">Delete my account</h3>
          <p className="muted your-data__text">
            Signs you out everywhere and erases your profile. You choose whether your messages stay (from “{DELETED_USER_NAME}”) or are
            removed.
          </p>
        </div>
        <button type="button" className="button button--danger" onClick={() => setDeleting(true)}>
          Delete my account…
        </button>
      </div>

      {deleting && (
        <DeleteAccountDialog user={user} downloading={downloading} onDownload={() => void download()} onClose={() => setDeleting(false)} />
      )}
    </section>
  );
}

const CHOICES: { value: DeletedMessagesChoice; title: string; detail: string }[] = [
  {
    value: 'keep-as-deleted-user',
    title: `Keep them, shown as from “${DELETED_USER_NAME}”`,
    detail: 'The others still read their conversations as they were; your name and picture are gone from your messages.',
  },
  {
    value: 'remove',
    title: 'Remove them',
    detail:
      'Every message you sent, in every room (also rooms you have left), shows as “This message was deleted” for everyone, and its text is erased.',
  },
];

/**
 * The one question before an account is deleted: what happens, the choice for the
 * messages, the password again, and the username typed out, so it is never a slip.
 */
function DeleteAccountDialog({
  user,
  downloading,
  onDownload,
  onClose,
}: {
  user: User;
  downloading: boolean;
  onDownload: () => void;
  onClose: () => void;
}) {
  const router = useRouter();
  const id = useId();
  const [choice, setChoice] = useState<DeletedMessagesChoice | null>(null);
  const [password, setPassword] = useState('');
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const confirmed = confirmationMatches(typed, user.username);
  const ready = choice !== null && password.length > 0 && confirmed;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = deleteAccountBody.safeParse({ password, messages: choice });
    if (!ready || busy || !parsed.success) return;
    setBusy(true);
    setError(null);
    try {
      await deleteMyAccount(parsed.data);
    } catch (err) {
      setBusy(false);
      setError(err instanceof Error ? err.message : 'Could not delete your account. Nothing was changed; please try again.');
      return;
    }
    const messages =
      parsed.data.messages === 'remove' ? 'Your messages were removed.' : `Your messages stay, shown as from “${DELETED_USER_NAME}”.`;
    await disablePush().catch(() => undefined);
    await session.signOut(`Your account was deleted and you were signed out everywhere. ${messages}`);
    router.replace('/login');
  }

  return (
    <Dialog
      title="Delete your account"
      description="This can't be undone. Here is what happens:"
      // Closing mid-way would hide whether it happened: the dialog stays until the answer.
      onClose={busy ? () => undefined : onClose}
    >
      <form className="form delete-account" onSubmit={(e) => void onSubmit(e)} noValidate>
        <ul className="delete-account__facts">
          <li>You are signed out on every device, at once, and cannot sign in again.</li>
          <li>Your profile is erased: display name, picture and password. Your username becomes free for someone else.</li>
          <li>
            You leave every room. A group or channel you own passes to its longest-standing admin (or, with none, member); a room where you
            are the only member is deleted.
          </li>
        </ul>
        <p className="delete-account__copy">
          Want a copy first?{' '}
          <button type="button" className="link-button" disabled={downloading || busy} onClick={onDownload}>
            {downloading ? 'Preparing your data…' : 'Download my data'}
          </button>
        </p>

        <fieldset className="delete-account__choices">
          <legend className="field__label">What happens to your messages</legend>
          {CHOICES.map((c) => (
            <label key={c.value} className="delete-account__choice">
              <input
                type="radio"
                name={`${id}-messages`}
                value={c.value}
                checked={choice === c.value}
                onChange={() => setChoice(c.value)}
                aria-describedby={`${id}-${c.value}`}
                data-autofocus={c.value === CHOICES[0]!.value ? true : undefined}
              />
              <span>
                <span className="delete-account__choice-title">{c.title}</span>
                <span className="delete-account__choice-detail" id={`${id}-${c.value}`}>
                  {c.detail}
                </span>
              </span>
            </label>
          ))}
        </fieldset>

        <div className="field">
          <label htmlFor={`${id}-password`}>Your password</label>
          <input
            id={`${id}-password`}
            type="password"
            autoComplete="current-password"
            maxLength={128}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-confirm`}>
            Type your username, <strong>{user.username}</strong>, to confirm
          </label>
          <input
            id={`${id}-confirm`}
            autoCapitalize="none"
            autoComplete="off"
            spellCheck={false}
            value={typed}
            aria-invalid={typed.length > 0 && !confirmed ? true : undefined}
            onChange={(e) => setTyped(e.target.value)}
          />
        </div>

        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <p className="field__hint" id={`${id}-why-disabled`}>
          {ready
            ? 'Ready: this deletes your account now.'
            : 'Choose what happens to your messages, enter your password and type your username.'}
        </p>
        <div className="form__actions">
          <button type="button" className="button" disabled={busy} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--danger-solid" disabled={!ready || busy} aria-describedby={`${id}-why-disabled`}>
            {busy ? 'Deleting…' : 'Delete my account'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
