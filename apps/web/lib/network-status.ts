/*
 * What the browser says about the network. It knows a cable is out or Wi-Fi is gone at once,
 * long before the socket's heartbeat gives up (up to 20 s), so the socket and the banner
 * listen to it as well as to the socket itself.
 */

/** False only when the browser is sure there is no network (an `online` guess may still fail to connect). */
export function browserSaysOnline(): boolean {
  return typeof navigator === 'undefined' || navigator.onLine !== false;
}

/** Calls `onChange(false)` on the window's `offline` event and `onChange(true)` on `online`. Returns the unsubscribe. */
export function watchNetwork(target: EventTarget, onChange: (online: boolean) => void): () => void {
  const online = () => onChange(true);
  const offline = () => onChange(false);
  target.addEventListener('online', online);
  target.addEventListener('offline', offline);
  return () => {
    target.removeEventListener('online', online);
    target.removeEventListener('offline', offline);
  };
}
