'use client';

import { Link, useRouter } from '@/lib/router/router';
import { useId, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { AVATAR_MAX_BYTES, patchMeBody, type User } from '@qc/shared';
import { api } from '@/lib/api';
import { ApiError } from '@/lib/http';
import { session, useSession } from '@/lib/session';
import { ArrowLeftIcon } from './icons';
import { Avatar } from './avatar';
import { FormError } from './form-error';
import { YourData } from './your-data';
import { ThemePicker } from './theme-picker';
import { PushSettings } from './push-settings';
import { MyReports } from './my-reports';
import { disablePush } from '@/lib/push/web-push';

/** Display name, picture, theme and signing out. */
export function SettingsForm() {
  const state = useSession();
  if (state.status !== 'authenticated') return null;
  return <SettingsFormFor key={state.user.id} user={state.user} />;
}

function SettingsFormFor({ user }: { user: User }) {
  const router = useRouter();
  const id = useId();
  const [displayName, setDisplayName] = useState(user.displayName);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const parsed = patchMeBody.safeParse({ displayName });
    if (!parsed.success) {
      setError(`Display name: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const updated = await api.updateMe(parsed.data);
      session.setUser(updated);
      setSaved(true);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Could not save your settings.');
    } finally {
      setBusy(false);
    }
  }

  async function signOut() {
    // This device stops getting the account's pushes (a shared computer must not show them to the next person).
    await disablePush().catch(() => undefined);
    await session.signOut();
    router.replace('/login');
  }

  const preview = { id: user.id, displayName: displayName || user.displayName, avatarUrl: user.avatarUrl };

  return (
    <main className="settings">
      <div className="settings__card">
        <Link className="settings__back" href="/chat">
          <ArrowLeftIcon size={16} /> Back to chat
        </Link>
        <h1 className="settings__title">Settings</h1>

        <div className="settings__identity">
          <Avatar user={preview} size={56} />
          <div>
            <div className="settings__name">{preview.displayName}</div>
            <div className="muted">@{user.username}</div>
          </div>
        </div>
        <PictureSettings user={user} />

        <form className="form" onSubmit={onSubmit} noValidate>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <div className="field">
            <label htmlFor={`${id}-name`}>Display name</label>
            <input
              id={`${id}-name`}
              className="input"
              maxLength={64}
              autoComplete="nickname"
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
            />
          </div>
          <div className="form__actions form__actions--start">
            <button type="submit" className="button button--primary" disabled={busy}>
              Save changes
            </button>
            <span role="status" className="settings__saved">
              {saved ? 'Saved.' : ''}
            </span>
          </div>
        </form>

        <hr className="settings__rule" />
        <ThemePicker />

        <hr className="settings__rule" />
        <PushSettings />

        <hr className="settings__rule" />
        <div className="settings__signout">
          <div>
            <h2 className="settings__subtitle">Sign out</h2>
            <p className="muted">Signs you out on this device.</p>
          </div>
          <button type="button" className="button button--danger" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>

        <MyReports />

        <hr className="settings__rule" />
        <YourData user={user} />
      </div>
    </main>
  );
}

const PICTURE_TYPES = 'image/jpeg,image/png,image/webp,image/gif,image/avif';

/**
 * My picture: chosen from the device, cropped square by the server (which keeps no EXIF, so
 * a phone photo's location is not passed on), or removed for my initials. Shown at once in
 * the preview above and, through the session, everywhere I appear on this device.
 */
function PictureSettings({ user }: { user: User }) {
  const input = useRef<HTMLInputElement>(null);
  const hintId = useId();
  const [busy, setBusy] = useState<'upload' | 'remove' | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function change(run: () => Promise<User>, what: 'upload' | 'remove') {
    setBusy(what);
    setError(null);
    try {
      session.setUser(await run());
    } catch (err) {
      setError(pictureFailureText(err));
    } finally {
      setBusy(null);
    }
  }

  function onPick(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = ''; // the same file may be picked again after a failure
    if (!file) return;
    if (file.size > AVATAR_MAX_BYTES) {
      setError(`That picture is too big: up to ${AVATAR_MAX_BYTES / (1024 * 1024)} MB.`);
      return;
    }
    void change(() => api.setAvatar(file), 'upload');
  }

  return (
    <div className="settings__picture">
      <FormError error={error} />
      <input
        ref={input}
        type="file"
        accept={PICTURE_TYPES}
        className="sr-only"
        tabIndex={-1}
        aria-hidden="true"
        data-testid="picture-input"
        onChange={onPick}
      />
      <div className="form__actions form__actions--start">
        <button type="button" className="button" aria-describedby={hintId} disabled={busy !== null} onClick={() => input.current?.click()}>
          {busy === 'upload' ? 'Uploading…' : user.avatarUrl ? 'Change picture' : 'Upload a picture'}
        </button>
        {user.avatarUrl && (
          <button
            type="button"
            className="button button--ghost"
            disabled={busy !== null}
            onClick={() => void change(() => api.removeAvatar(), 'remove')}
          >
            {busy === 'remove' ? 'Removing…' : 'Remove picture'}
          </button>
        )}
      </div>
      <p className="field__hint" id={hintId}>
        JPEG, PNG, WebP, GIF or AVIF, up to {AVATAR_MAX_BYTES / (1024 * 1024)} MB. It is cropped to a square, and its location and camera
        details are not kept.
      </p>
    </div>
  );
}

function pictureFailureText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'UNSUPPORTED_TYPE') return 'That file is not a picture we can read: try a JPEG or PNG.';
    if (err.code === 'TOO_LARGE') return `That picture is too big: up to ${AVATAR_MAX_BYTES / (1024 * 1024)} MB.`;
    return err.message;
  }
  return 'Could not change your picture. Please try again.';
}
