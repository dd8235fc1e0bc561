'use client';

import { useEffect, useId, useState } from 'react';
import { currentSubscription, disablePush, enablePush, privateChoice, pushAvailability, type PushAvailability } from '@/lib/push/web-push';

type Status = 'loading' | 'on' | 'off';

/**
 * "Notify me when Quantum Chat is closed": Web Push on this device, and whether its
 * notifications show the message's text. Per device, as a phone on a desk and a laptop at
 * home may want different things.
 */
export function PushSettings() {
  const id = useId();
  const [availability, setAvailability] = useState<PushAvailability>('available');
  const [status, setStatus] = useState<Status>('loading');
  const [privately, setPrivately] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const a = pushAvailability();
    setAvailability(a);
    setPrivately(privateChoice());
    if (a !== 'available') return setStatus('off');
    void currentSubscription().then(
      (sub) => setStatus(sub && Notification.permission === 'granted' ? 'on' : 'off'),
      () => setStatus('off'),
    );
  }, []);

  const apply = async (on: boolean, hideText: boolean) => {
    setBusy(true);
    setError(null);
    try {
      if (on) await enablePush(hideText);
      else await disablePush();
      setStatus(on ? 'on' : 'off');
      setPrivately(hideText);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not change push notifications here.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <fieldset className="push-settings" aria-describedby={`${id}-hint`}>
      <legend className="settings__subtitle">Notifications when the app is closed</legend>
      <p className="muted" id={`${id}-hint`}>
        Direct messages and mentions reach this device even with no Quantum Chat tab open (rooms you set to “All messages” too).
      </p>
      {availability !== 'available' ? (
        <p className="muted" role="note">
          {availability === 'desktop'
            ? 'The desktop app notifies you while it runs. To be told when it is closed, turn this on in a browser.'
            : availability === 'insecure'
              ? 'This browser only allows them on a secure (https) address.'
              : 'This browser cannot receive push notifications.'}
        </p>
      ) : (
        <>
          <label className="push-settings__option">
            <input
              type="checkbox"
              checked={status === 'on'}
              disabled={busy || status === 'loading'}
              onChange={(e) => void apply(e.target.checked, privately)}
            />
            <span>Notify me on this device when the app is closed</span>
          </label>
          <label className="push-settings__option">
            <input
              type="checkbox"
              checked={privately}
              disabled={busy || status !== 'on'}
              onChange={(e) => void apply(true, e.target.checked)}
            />
            <span>Hide message text (show only who wrote and where)</span>
          </label>
        </>
      )}
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
