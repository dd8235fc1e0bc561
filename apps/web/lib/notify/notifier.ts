import type { Message, MyRoom } from '@qc/shared';
import { Observable } from '../stores/observable';
import { decideNotification, type NotificationDecision } from './notification-decision';
import { desktopBridge, desktopNotificationFor } from '../desktop/desktop-bridge';

/*
 * Being told: the desktop notification (the browser's Notification API, or the desktop
 * shell's native one through its bridge) and the optional
 * sound for a message that arrives while the person is elsewhere. What to tell is decided by
 * decideNotification; this holds the browser's side: the permission, the sound setting
 * (remembered on this device), and the click that takes the person to the message.
 */

export type NotificationPermissionState = 'default' | 'granted' | 'denied' | 'unsupported';

export interface NotifierState {
  permission: NotificationPermissionState;
  /** A short chime with each notification (this device's choice, off until turned on). */
  sound: boolean;
  /** Set by a click on a notification: the room (and message) to open; the chat page takes it. */
  clicked: { roomId: string; messageId: string } | null;
}

const SOUND_KEY = 'qc:notify-sound';

function browserPermission(): NotificationPermissionState {
  // The desktop shell shows its own notifications: nothing to ask.
  if (desktopBridge()) return 'granted';
  if (typeof window === 'undefined' || !('Notification' in window)) return 'unsupported';
  return Notification.permission;
}

/** The text a notification shows: who and where, then the message as plain text (mentions as names). */
export interface NotificationText {
  title: string;
  body: string;
}

export class Notifier extends Observable<NotifierState> {
  private audio: AudioContext | null = null;

  constructor() {
    super({
      permission: browserPermission(),
      sound: typeof localStorage !== 'undefined' && localStorage.getItem(SOUND_KEY) === '1',
      clicked: null,
    });
  }

  /** Asks the browser, from a click (browsers refuse a prompt nobody asked for). */
  async requestPermission(): Promise<NotificationPermissionState> {
    if (browserPermission() === 'unsupported') return 'unsupported';
    const answer = await Notification.requestPermission();
    this.setState({ ...this.getState(), permission: answer });
    return answer;
  }

  setSound(on: boolean): void {
    localStorage.setItem(SOUND_KEY, on ? '1' : '0');
    this.setState({ ...this.getState(), sound: on });
    if (on) this.chime();
  }

  /** The chat page took the click. */
  clearClicked(): void {
    if (this.getState().clicked) this.setState({ ...this.getState(), clicked: null });
  }

  /**
   * A message arrived live: told or not, as decided; returns the decision (for tests and the
   * title). `text` is only worked out when a notification will show.
   */
  consider(
    message: Message,
    room: MyRoom,
    ctx: { meId: string; tabHidden: boolean; lookingAtRoom: boolean },
    text: () => NotificationText,
  ): NotificationDecision {
    const decision = decideNotification(message, {
      ...ctx,
      roomKind: room.kind,
      settings: room.notifications,
      now: new Date(),
    });
    if (!decision.tell) return decision;
    if (decision.desktop && browserPermission() === 'granted') this.show(message, text());
    if (this.getState().sound && (decision.desktop || decision.mention || room.kind === 'direct')) this.chime();
    return decision;
  }

  private show(message: Message, text: NotificationText): void {
    const desktop = desktopBridge();
    if (desktop) {
      // Native, one per room; its click comes back through the bridge (see chat-app).
      desktop.notify(desktopNotificationFor(message, text));
      return;
    }
    let n: Notification;
    try {
      // One per room (`tag`): a burst in a room replaces the last one instead of piling up.
      n = new Notification(text.title, { body: text.body, tag: `room:${message.roomId}` });
    } catch {
      // Some browsers only show them from a service worker: the badge and title still tell.
      return;
    }
    n.onclick = () => {
      window.focus();
      this.setState({ ...this.getState(), clicked: { roomId: message.roomId, messageId: message.id } });
      n.close();
    };
  }

  /** Two short soft tones, made here (no audio file to fetch). */
  private chime(): void {
    try {
      const Ctx = window.AudioContext;
      if (!Ctx) return;
      this.audio ??= new Ctx();
      const t0 = this.audio.currentTime;
      for (const [i, freq] of [880, 1320].entries()) {
        const osc = this.audio.createOscillator();
        const gain = this.audio.createGain();
        osc.frequency.value = freq;
        gain.gain.setValueAtTime(0.0001, t0 + i * 0.12);
        gain.gain.exponentialRampToValueAtTime(0.08, t0 + i * 0.12 + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, t0 + i * 0.12 + 0.2);
        osc.connect(gain).connect(this.audio.destination);
        osc.start(t0 + i * 0.12);
        osc.stop(t0 + i * 0.12 + 0.22);
      }
    } catch {
      // A browser that will not play (no user gesture yet): the notification still shows.
    }
  }
}
