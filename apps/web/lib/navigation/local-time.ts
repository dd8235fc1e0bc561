/*
 * A person's local time on their profile card, from the IANA time zone their app reported,
 * and how far that is from the reader's: "3:04 PM, 9 hours ahead of you".
 */

const MINUTE_MS = 60_000;

function parts(timeZone: string, at: Date): Record<string, number> | null {
  try {
    const fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    const out: Record<string, number> = {};
    for (const p of fmt.formatToParts(at)) if (p.type !== 'literal') out[p.type] = Number(p.value);
    return out;
  } catch {
    return null;
  }
}

/** The zone's offset from UTC at that instant, in minutes (540 for Tokyo, -300 for New York in winter); null for an unknown zone. */
export function zoneOffsetMinutes(timeZone: string, at: Date): number | null {
  const p = parts(timeZone, at);
  if (!p) return null;
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!);
  const whole = Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS;
  return Math.round((asUtc - whole) / MINUTE_MS);
}

/** The wall-clock time in `timeZone` ("3:04 PM" in en-US), with the weekday when it is another day there than here. */
export function formatTimeIn(timeZone: string, at: Date, opts: { locale?: string; viewerTimeZone?: string } = {}): string | null {
  const theirs = parts(timeZone, at);
  if (!theirs) return null;
  const mine = parts(opts.viewerTimeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone, at);
  const otherDay = !mine || mine.day !== theirs.day || mine.month !== theirs.month;
  return new Intl.DateTimeFormat(opts.locale, {
    timeZone,
    hour: 'numeric',
    minute: '2-digit',
    ...(otherDay ? { weekday: 'short' } : {}),
  }).format(at);
}

function amount(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const hours = h === 1 ? '1 hour' : `${h} hours`;
  const mins = m === 1 ? '1 minute' : `${m} minutes`;
  return h && m ? `${hours} ${mins}` : h ? hours : mins;
}

/** "9 hours ahead of you", "5 hours 30 minutes behind you", "same time as you". */
export function timeDifferenceText(theirOffset: number, myOffset: number): string {
  const diff = theirOffset - myOffset;
  if (diff === 0) return 'same time as you';
  return `${amount(Math.abs(diff))} ${diff > 0 ? 'ahead of' : 'behind'} you`;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 24 * 60],
  ['hour', 60],
  ['minute', 1],
];

/** "Last seen 5 minutes ago", "Last seen yesterday"; past a week, the date. */
export function lastSeenText(lastSeen: string, now: Date, locale?: string): string {
  const at = new Date(lastSeen);
  const minutes = Math.max(0, Math.floor((now.getTime() - at.getTime()) / MINUTE_MS));
  if (minutes < 1) return 'Last seen just now';
  if (minutes >= 7 * 24 * 60) {
    return `Last seen ${new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(at)}`;
  }
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const [unit, size] = UNITS.find(([, size]) => minutes >= size)!;
  return `Last seen ${rtf.format(-Math.floor(minutes / size), unit)}`;
}

/**
 * The time zone to save on my profile, or null to leave it: the browser's own, when it is a
 * name and differs from the saved one. Nothing when the browser reports none (or an offset,
 * which the server refuses).
 */
export function timeZoneToSave(saved: string | null | undefined, browser: string | undefined): string | null {
  if (!browser || !/^[A-Za-z]/.test(browser) || browser === saved) return null;
  return browser;
}
