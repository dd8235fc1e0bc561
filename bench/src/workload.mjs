// Sizes, and the people and rooms of a run, drawn from the seed: the same seed gives every
// target the same rooms, the same members and the same sends.
import { randomUUID } from 'node:crypto';
import { seededRandom } from './accounting.mjs';

export const SIZES = {
  quick: {
    users: 100,
    groupSize: 20,
    dmsPerUser: 2,
    channels: 1,
    channelSize: 50,
    largeRooms: 1,
    largeRoomSize: 60,
    largeRoomOpenShare: 0.1,
    steps: [50, 100, 200],
    warmupMs: 2000,
    stepMs: 3000,
    drainMs: 1000,
    settleMs: 15_000,
    breakP99Ms: 1000,
    overloadMs: 3000,
    idle: 400,
    holdMs: 1000,
    storm: 60,
    stormRate: 40,
    stormMs: 4000,
    stormJitterMs: 1000,
    generators: 2,
    addresses: 2,
    ackTimeoutMs: 20_000,
  },
  full: {
    users: 10_000,
    groupSize: 20,
    dmsPerUser: 2,
    channels: 3,
    channelSize: 500,
    largeRooms: 1,
    largeRoomSize: 2000,
    largeRoomOpenShare: 0.1,
    // From well below saturation: at 10,000 people every target on this machine breaks by 250
    // (the 2,000-member room's bursts), and a run whose first step breaks measures no saturation.
    steps: [30, 60, 125, 180, 250, 500, 1000, 2000, 4000, 8000, 16000],
    warmupMs: 10_000,
    stepMs: 15_000,
    drainMs: 5000,
    settleMs: 60_000,
    breakP99Ms: 1000,
    overloadMs: 30_000,
    idle: 50_000,
    holdMs: 60_000,
    storm: 5000,
    stormRate: 200,
    stormMs: 30_000,
    stormJitterMs: 5000,
    generators: 4,
    addresses: 4,
    ackTimeoutMs: 30_000,
  },
};

/**
 * The product's LARGE_ROOM_MEMBERS for these sizes: its default (1,000), or lower so the
 * large rooms of small sizes reach it, but always above the channels and groups (which stay
 * pushed, as in the product's default).
 */
export function largeRoomThreshold(size) {
  const large = Math.min(size.largeRoomSize, size.users);
  return Math.max(2, Math.min(1000, large), Math.max(size.channelSize, size.groupSize) + 1);
}

/**
 * People 0..users-1 and their rooms: groups of `groupSize` (people in a seeded order),
 * `dmsPerUser` direct conversations each with people drawn at random, `channels` channels
 * of `channelSize` random members, and `largeRooms` channels of `largeRoomSize` (hybrid
 * fan-out: in the product they are pulled, not pushed), of which a `largeRoomOpenShare` of
 * the members have it open (`room:open`; a person has at most one room open).
 * Rooms: [{ key, kind, owner, members, large }]; `openRoomOf[person]`: a room index or null.
 */
export function topology(size, seed) {
  const rand = seededRandom(seed);
  const n = size.users;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const rooms = [];
  for (let g = 0; g < n; g += size.groupSize) {
    const members = order.slice(g, g + size.groupSize);
    if (members.length > 1) rooms.push({ key: `g${g / size.groupSize}`, kind: 'group', owner: members[0], members });
  }
  const pairs = new Set();
  for (let a = 0; a < n; a++) {
    for (let k = 0; k < size.dmsPerUser; k++) {
      const b = Math.floor(rand() * n);
      const key = a < b ? `${a}-${b}` : `${b}-${a}`;
      if (a === b || pairs.has(key)) continue;
      pairs.add(key);
      rooms.push({ key: `d${key}`, kind: 'direct', owner: a, members: [a, b] });
    }
  }
  for (let c = 0; c < size.channels; c++) {
    const picked = new Set();
    while (picked.size < Math.min(size.channelSize, n)) picked.add(Math.floor(rand() * n));
    const members = [...picked];
    rooms.push({ key: `c${c}`, kind: 'channel', owner: members[0], members });
  }
  const threshold = largeRoomThreshold(size);
  const openRoomOf = new Array(n).fill(null);
  for (let k = 0; k < (size.largeRooms ?? 0); k++) {
    const picked = new Set();
    while (picked.size < Math.min(size.largeRoomSize, n)) picked.add(Math.floor(rand() * n));
    const members = [...picked];
    const index = rooms.push({ key: `L${k}`, kind: 'channel', owner: members[0], members, large: members.length >= threshold }) - 1;
    const openers = Math.round(members.length * size.largeRoomOpenShare);
    for (const m of members.slice(0, openers)) openRoomOf[m] ??= index;
  }
  for (const r of rooms) r.large ??= r.members.length >= threshold;
  const roomsOf = Array.from({ length: n }, () => []);
  rooms.forEach((r, i) => r.members.forEach((m) => roomsOf[m].push(i)));
  // The storm's clients: a seeded pick, so senders of every kind of room are among them.
  const storm = new Set(order.slice(0, Math.min(size.storm, Math.floor(n * 0.6))));
  return { rooms, roomsOf, storm, openRoomOf, threshold };
}

/** The baselines skip sign-up: a person's token is its id, rooms get fresh ids. */
export function baselineIdentities(topo, n) {
  const users = Array.from({ length: n }, (_, i) => ({ userId: `u${i}`, token: `u${i}` }));
  const roomIds = topo.rooms.map(() => randomUUID());
  return { users, roomIds };
}

/** Runs `fn` over `items`, `n` at a time, keeping the results in order. */
export async function inPool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

async function http(base, method, url, { token, body, cookie } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (cookie) headers.cookie = cookie;
  const res = await fetch(`${base}/api/v1${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const refresh = res.headers.getSetCookie().find((c) => c.startsWith('qc_refresh='));
  return { status: res.status, body: text ? JSON.parse(text) : null, cookie: refresh?.split(';')[0] };
}

/** People signed up and rooms made over the product's REST api, as its clients would. */
export async function productIdentities(base, topo, n, seed, say) {
  const tag = `${seed.toString(36)}${Date.now().toString(36).slice(-5)}`;
  const t0 = Date.now();
  const users = await inPool(Array.from({ length: n }), 4, async (_, i) => {
    const r = await http(base, 'POST', '/auth/register', {
      body: { username: `b${tag}u${i}`.slice(0, 32), password: 'bench password 1234' },
    });
    if (r.status !== 201) throw new Error(`sign-up ${i}: ${r.status} ${JSON.stringify(r.body)}`);
    return { userId: r.body.user.id, token: r.body.accessToken, cookie: r.cookie };
  });
  say(`${n} people signed up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const t1 = Date.now();
  const roomIds = await inPool(topo.rooms, 8, async (room) => {
    const owner = users[room.owner];
    const others = room.members.filter((m) => m !== room.owner);
    const body =
      room.kind === 'direct'
        ? { kind: 'direct', userId: users[others[0]].userId }
        : room.kind === 'group'
          ? { kind: 'group', name: `bench ${room.key}`, memberIds: others.map((m) => users[m].userId) }
          : // Channel names are unique on the server: the run's tag keeps a rerun on the same database apart.
            { kind: 'channel', name: `bench ${tag} ${room.key}` };
    const r = await http(base, 'POST', '/rooms', { token: owner.token, body });
    if (r.status !== 201 && r.status !== 200) throw new Error(`room ${room.key}: ${r.status} ${JSON.stringify(r.body)}`);
    if (room.kind === 'channel') {
      await inPool(others, 4, async (m) => {
        const j = await http(base, 'POST', `/rooms/${r.body.id}/members`, { token: users[m].token, body: { userId: users[m].userId } });
        if (j.status >= 300) throw new Error(`joining ${room.key}: ${j.status} ${JSON.stringify(j.body)}`);
      });
    }
    return r.body.id;
  });
  say(`${topo.rooms.length} rooms made in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  return { users, roomIds, refresh: () => refreshTokens(base, users) };
}

/**
 * Fresh access tokens just before connecting: a socket lives no longer than its token (15
 * minutes), and a full run's sign-ups and rooms take minutes of that. The refresh cookie
 * costs no password hash, unlike a new login.
 */
async function refreshTokens(base, users) {
  await inPool(users, 8, async (u, i) => {
    const r = await http(base, 'POST', '/auth/refresh', { cookie: u.cookie });
    if (r.status !== 200) throw new Error(`refreshing the token of person ${i}: ${r.status} ${JSON.stringify(r.body)}`);
    u.token = r.body.accessToken;
    u.cookie = r.cookie ?? u.cookie;
  });
}
