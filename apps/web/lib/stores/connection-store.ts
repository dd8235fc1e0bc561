import { Observable } from './observable';

/*
 * The state of the live connection as people see it (the banner and my presence dot), and
 * my own presence: away when the page is hidden or nobody touched it for a while.
 */

/** offline: the browser says there is no network; nothing is dialled until it says there is. */
export type ConnectionStatus = 'connecting' | 'online' | 'reconnecting' | 'offline';

export interface ConnectionState {
  status: ConnectionStatus;
  myStatus: 'online' | 'away';
  /** A gentle message for people (rate limits, failures that are not tied to one message). */
  notice: string | null;
}

export class ConnectionStore extends Observable<ConnectionState> {
  /** Bumped on every connect, so work started before a reconnect can tell. */
  private epoch = 0;
  /** The browser said offline and has not said online since. */
  private networkDown = false;

  constructor() {
    super({ status: 'connecting', myStatus: 'online', notice: null });
  }

  get connectEpoch(): number {
    return this.epoch;
  }

  connected(): number {
    this.epoch += 1;
    // A connection is proof of a network, whatever the browser last said.
    if (this.networkDown) this.networkChanged(true);
    return this.epoch;
  }

  /** Until the catch-up after a connect is done, the banner stays. */
  caughtUp(epoch: number): void {
    if (epoch === this.epoch && !this.networkDown) this.set({ status: 'online' });
  }

  lost(): void {
    this.set({ status: this.networkDown ? 'offline' : this.dialling() });
  }

  /**
   * The window's online/offline events. Offline shows at once (the socket would notice only
   * when its heartbeat fails); online goes back to (re)connecting until the catch-up is done.
   */
  networkChanged(online: boolean): void {
    this.networkDown = !online;
    if (!online) this.set({ status: 'offline' });
    else if (this.getState().status === 'offline') this.set({ status: this.dialling() });
  }

  private dialling(): ConnectionStatus {
    return this.epoch > 0 ? 'reconnecting' : 'connecting';
  }

  setMyStatus(myStatus: 'online' | 'away'): boolean {
    if (myStatus === this.getState().myStatus) return false;
    this.set({ myStatus });
    return true;
  }

  showNotice(notice: string): void {
    this.set({ notice });
  }

  dismissNotice(): void {
    if (this.getState().notice) this.set({ notice: null });
  }

  private set(partial: Partial<ConnectionState>): void {
    const current = this.getState();
    const next = { ...current, ...partial };
    if ((Object.keys(partial) as (keyof ConnectionState)[]).some((k) => current[k] !== next[k])) this.setState(next);
  }

  stop(): void {
    this.clearListeners();
  }
}

/** What the banner says for a status, or null for nothing. */
export function connectionBannerText(status: ConnectionStatus): string | null {
  switch (status) {
    case 'offline':
      return "You're offline — messages will be sent when you're back";
    case 'reconnecting':
      return 'Reconnecting…';
    case 'connecting':
      return 'Connecting…';
    case 'online':
      return null;
  }
}

/** How long the banner waits before it shows a status (ms), so blips of a second do not flicker it. */
export function connectionBannerDelayMs(status: ConnectionStatus): number {
  switch (status) {
    // The browser is sure: say so at once, as people write into it now.
    case 'offline':
      return 0;
    // The server closes a socket when its access token expires (every 15 minutes) and the
    // client is back within a blink; a banner for that would only flicker.
    case 'reconnecting':
      return 1000;
    // Most first connections finish well within this.
    case 'connecting':
      return 2500;
    case 'online':
      return 0;
  }
}
