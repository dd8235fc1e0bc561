'use client';

import { useEffect, useState } from 'react';
import { useChatClient, useStore } from '@/lib/use-chat';
import { BellIcon } from './icons';

const DISMISSED_KEY = 'qc:notify-prompt-dismissed';
/** Not on first load: after the person has been here a while, the offer makes sense. */
const OFFER_AFTER_MS = 30_000;

/**
 * The offer to turn on desktop notifications. The browser's own prompt comes only from the
 * "Turn on" click (browsers refuse or bury a prompt nobody asked for); "Not now" is
 * remembered on this device. Settings keep the switch for later.
 */
export function NotificationPrompt() {
  const client = useChatClient();
  const permission = useStore(client.notifier, (s) => s.permission);
  const [due, setDue] = useState(false);
  const [dismissed, setDismissed] = useState(true);

  useEffect(() => {
    setDismissed(localStorage.getItem(DISMISSED_KEY) === '1');
    const t = setTimeout(() => setDue(true), OFFER_AFTER_MS);
    return () => clearTimeout(t);
  }, []);

  if (!due || dismissed || permission !== 'default') return null;
  return (
    <section className="notification-prompt" aria-label="Desktop notifications">
      <BellIcon size={18} />
      <p>Get a desktop notification for direct messages and mentions while this tab is in the background?</p>
      <div className="notification-prompt__actions">
        <button type="button" className="button button--small" onClick={() => void client.notifier.requestPermission()}>
          Turn on
        </button>
        <button
          type="button"
          className="button button--small button--ghost"
          onClick={() => {
            localStorage.setItem(DISMISSED_KEY, '1');
            setDismissed(true);
          }}
        >
          Not now
        </button>
      </div>
    </section>
  );
}
