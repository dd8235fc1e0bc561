import { Observable } from './observable';

/*
 * The state of the live connection as people see it (the banner and my presence dot), and
 * my own presence: away when the page is hidden or nobody touched it for a while.
 */

export type ConnectionStatus = 'connecting' | 'online' | 'reconnecting';

export interface ConnectionState {
  status: ConnectionStatus;
  myStatus: 'online' | 'away';
  /** A gentle message for people (rate limits, failures that are not tied to one message). */
  notice: string | null;
}

export class ConnectionStore extends Observable<ConnectionState> {
  /** Bumped on every connect, so work started before a reconnect can tell. */
  private epoch = 0;

  constructor() {
    super({ status: 'connecting', myStatus: 'online', notice: null });
  }

  get connectEpoch(): number {
    return this.epoch;
  }

  connected(): number {
    this.epoch += 1;
    return this.epoch;
  }

  /** Until the catch-up after a connect is done, the banner stays. */
  caughtUp(epoch: number): void {
    if (epoch === this.epoch) this.set({ status: 'online' });
  }

  lost(): void {
    this.set({ status: this.epoch > 0 ? 'reconnecting' : 'connecting' });
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
