'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useId, useState, type FormEvent } from 'react';
import { patchMeBody, type User } from '@qc/shared';
import { api } from '@/lib/api';
import { session, useSession } from '@/lib/session';
import { ArrowLeftIcon } from './icons';
import { Avatar } from './avatar';
import { YourData } from './your-data';
import { ThemePicker } from './theme-picker';
import { PushSettings } from './push-settings';
import { MyReports } from './my-reports';
import { disablePush } from '@/lib/push/web-push';

/** Display name, avatar, theme and signing out. */
export function SettingsForm() {
  const state = useSession();
  if (state.status !== 'authenticated') return null;
  return <SettingsFormFor key={state.user.id} user={state.user} />;
}

function SettingsFormFor({ user }: { user: User }) {
  const router = useRouter();
  const id = useId();
  const [displayName, setDisplayName] = useState(user.displayName);
  const [avatarUrl, setAvatarUrl] = useState(user.avatarUrl ?? '');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const parsed = patchMeBody.safeParse({ displayName, avatarUrl: avatarUrl.trim() ? avatarUrl : null });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path[0] === 'avatarUrl' ? 'Avatar URL' : 'Display name';
      setError(`${field}: ${issue?.message ?? 'invalid'}`);
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

  const preview = {
    id: user.id,
    displayName: displayName || user.displayName,
    avatarUrl: /^https?:\/\//i.test(avatarUrl) ? avatarUrl : null,
  };

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
          <div className="field">
            <label htmlFor={`${id}-avatar`}>Avatar URL</label>
            <input
              id={`${id}-avatar`}
              className="input"
              type="url"
              inputMode="url"
              placeholder="https://…"
              value={avatarUrl}
              onChange={(e) => setAvatarUrl(e.target.value)}
              aria-describedby={`${id}-avatar-hint`}
            />
            <p className="field__hint" id={`${id}-avatar-hint`}>
              A link to a picture (http or https). Leave empty for your initials.
            </p>
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
