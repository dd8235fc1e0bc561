import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTimeIn, lastSeenText, timeDifferenceText, timeZoneToSave, zoneOffsetMinutes } from './local-time';

const winter = new Date('2026-01-15T12:34:56Z');
const summer = new Date('2026-07-15T12:34:56Z');

describe('zoneOffsetMinutes', () => {
  it('gives the offset at that instant, daylight saving time included', () => {
    assert.equal(zoneOffsetMinutes('Asia/Tokyo', winter), 540);
    assert.equal(zoneOffsetMinutes('America/New_York', winter), -300);
    assert.equal(zoneOffsetMinutes('America/New_York', summer), -240);
    assert.equal(zoneOffsetMinutes('Asia/Kolkata', winter), 330);
    assert.equal(zoneOffsetMinutes('UTC', summer), 0);
  });

  it('is null for a zone the runtime does not know', () => {
    assert.equal(zoneOffsetMinutes('Mars/Olympus_Mons', winter), null);
  });
});

describe('formatTimeIn', () => {
  it('shows the wall-clock time there', () => {
    assert.equal(formatTimeIn('Asia/Tokyo', winter, { locale: 'en-US', viewerTimeZone: 'Asia/Seoul' }), '9:34 PM');
    assert.equal(formatTimeIn('UTC', winter, { locale: 'en-GB', viewerTimeZone: 'Europe/London' }), '12:34');
  });

  it('adds the weekday when it is another day there', () => {
    // 03:00 UTC on Friday is noon on Friday in Tokyo, and still Thursday evening in New York.
    const late = new Date('2026-01-16T03:00:00Z');
    assert.equal(formatTimeIn('Asia/Tokyo', late, { locale: 'en-US', viewerTimeZone: 'America/New_York' }), 'Fri 12:00 PM');
  });

  it('is null for an unknown zone', () => {
    assert.equal(formatTimeIn('Nowhere/Land', winter), null);
  });
});

describe('timeDifferenceText', () => {
  it('says how far ahead or behind, in hours and minutes', () => {
    assert.equal(timeDifferenceText(540, 0), '9 hours ahead of you');
    assert.equal(timeDifferenceText(-300, 60), '6 hours behind you');
    assert.equal(timeDifferenceText(330, 0), '5 hours 30 minutes ahead of you');
    assert.equal(timeDifferenceText(60, 0), '1 hour ahead of you');
    assert.equal(timeDifferenceText(0, 45), '45 minutes behind you');
    assert.equal(timeDifferenceText(120, 120), 'same time as you');
  });
});

describe('lastSeenText', () => {
  const now = new Date('2026-03-10T12:00:00Z');
  it('says how long ago, then the date past a week', () => {
    assert.equal(lastSeenText('2026-03-10T11:59:30Z', now, 'en'), 'Last seen just now');
    assert.equal(lastSeenText('2026-03-10T11:55:00Z', now, 'en'), 'Last seen 5 minutes ago');
    assert.equal(lastSeenText('2026-03-10T09:00:00Z', now, 'en'), 'Last seen 3 hours ago');
    assert.equal(lastSeenText('2026-03-09T10:00:00Z', now, 'en'), 'Last seen yesterday');
    assert.equal(lastSeenText('2026-03-06T12:00:00Z', now, 'en'), 'Last seen 4 days ago');
    assert.equal(lastSeenText('2026-01-02T12:00:00Z', now, 'en-US'), 'Last seen Jan 2, 2026');
  });
});

describe('timeZoneToSave', () => {
  it("saves the browser's zone when it differs from the profile's, and nothing otherwise", () => {
    assert.equal(timeZoneToSave(null, 'Europe/Paris'), 'Europe/Paris');
    assert.equal(timeZoneToSave(undefined, 'Europe/Paris'), 'Europe/Paris');
    assert.equal(timeZoneToSave('Asia/Tokyo', 'Europe/Paris'), 'Europe/Paris');
    assert.equal(timeZoneToSave('Europe/Paris', 'Europe/Paris'), null);
    assert.equal(timeZoneToSave('Europe/Paris', undefined), null);
    assert.equal(timeZoneToSave(null, '+05:00'), null);
  });
});
