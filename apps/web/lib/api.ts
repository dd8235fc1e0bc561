import type {
  RoomPace,
  AdminOverview,
  AdminPersonDetail,
  AdminRoom,
  AdminRoomDetail,
  HealthReport,
  SpamSettingsUpdate,
  SpamSettingsView,
  AdminUser,
  CaseActionBody,
  CaseDetail,
  CasePage,
  CaseStatus,
  MyReport,
  ReportBody,
  AuditPage,
  RuleTestBody,
  RuleTestResult,
  WordRule,
  WordRuleBody,
  BanBody,
  LiftBody,
  MemberSanction,
  MuteBody,
  PushDevice,
  PushSubscriptionBody,
  VapidPublicKey,
  AuthResponse,
  CreateRoomBody,
  HistoryPage,
  LoginBody,
  BrowsedChannel,
  Member,
  Message,
  MyRoom,
  PatchMeBody,
  PatchRoomBody,
  PinnedMessages,
  Receipt,
  RoomNotifications,
  RoomNotificationsBody,
  RegisterBody,
  SearchMessagesParams,
  SearchResult,
  ThreadPage,
  User,
  UserProfile,
  UploadLinks,
} from '@qc/shared';
import { ApiError, requestJson, type HttpMethod } from './http';
import { session } from './session';

/** A public channel as `GET /rooms?browse=channels` lists it. */

/**
 * An authenticated request. A 401 means the access token expired (or the server restarted):
 * refresh once and try again; if refreshing fails the session is over and the caller sees
 * the 401.
 */
async function authed<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
  const token = session.accessToken ?? (await session.refresh());
  if (!token) throw new ApiError(401, 'UNAUTHENTICATED', 'Please sign in again.');
  try {
    return await requestJson<T>(method, path, { body, token });
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) throw err;
    const fresh = await session.refresh();
    if (!fresh) throw err;
    return requestJson<T>(method, path, { body, token: fresh });
  }
}

const enc = encodeURIComponent;

export const api = {
  register: (body: RegisterBody) => requestJson<AuthResponse>('POST', '/api/v1/auth/register', { body }),
  login: (body: LoginBody) => requestJson<AuthResponse>('POST', '/api/v1/auth/login', { body }),

  me: () => authed<User>('GET', '/api/v1/users/me'),
  updateMe: (body: PatchMeBody) => authed<User>('PATCH', '/api/v1/users/me', body),
  /** My picture: cropped square and re-encoded by the server; answers my profile with its new avatarUrl. */
  setAvatar: (file: Blob) => {
    const form = new FormData();
    form.append('file', file);
    return authed<User>('PUT', '/api/v1/users/me/avatar', form);
  },
  removeAvatar: () => authed<User>('DELETE', '/api/v1/users/me/avatar'),
  searchUsers: (q: string) => authed<User[]>('GET', `/api/v1/users?q=${enc(q)}`),
  userProfile: (userId: string) => authed<UserProfile>('GET', `/api/v1/users/${enc(userId)}`),

  listRooms: () => authed<MyRoom[]>('GET', '/api/v1/rooms'),
  browseChannels: (q: string) => authed<BrowsedChannel[]>('GET', `/api/v1/rooms?browse=channels${q ? `&q=${enc(q)}` : ''}`),
  createRoom: (body: CreateRoomBody) => authed<MyRoom>('POST', '/api/v1/rooms', body),
  getRoom: (roomId: string) => authed<MyRoom>('GET', `/api/v1/rooms/${enc(roomId)}`),
  updateRoom: (roomId: string, body: PatchRoomBody) => authed<MyRoom>('PATCH', `/api/v1/rooms/${enc(roomId)}`, body),
  deleteRoom: (roomId: string) => authed<void>('DELETE', `/api/v1/rooms/${enc(roomId)}`),

  listMembers: (roomId: string) => authed<Member[]>('GET', `/api/v1/rooms/${enc(roomId)}/members`),
  addMember: (roomId: string, userId: string) => authed<Member>('POST', `/api/v1/rooms/${enc(roomId)}/members`, { userId }),
  removeMember: (roomId: string, userId: string) => authed<void>('DELETE', `/api/v1/rooms/${enc(roomId)}/members/${enc(userId)}`),

  receipts: (roomId: string) => authed<{ receipts: Receipt[] }>('GET', `/api/v1/rooms/${enc(roomId)}/receipts`),
  setNotifications: (roomId: string, body: RoomNotificationsBody) =>
    authed<RoomNotifications>('PUT', `/api/v1/rooms/${enc(roomId)}/notifications`, body),

  /** Newest page when neither bound is given; `before` pages back, `after` catches up. */
  history: (roomId: string, page: { before?: number; after?: number; limit?: number } = {}) => {
    const params = new URLSearchParams();
    if (page.before !== undefined) params.set('before', String(page.before));
    if (page.after !== undefined) params.set('after', String(page.after));
    if (page.limit !== undefined) params.set('limit', String(page.limit));
    const qs = params.toString();
    return authed<HistoryPage>('GET', `/api/v1/rooms/${enc(roomId)}/messages${qs ? `?${qs}` : ''}`);
  },

  /** A thread's root and its replies after `after` (a seq), ascending. */
  thread: (roomId: string, rootId: string, page: { after: number; limit?: number }) => {
    const params = new URLSearchParams({ after: String(page.after) });
    if (page.limit !== undefined) params.set('limit', String(page.limit));
    return authed<ThreadPage>('GET', `/api/v1/rooms/${enc(roomId)}/messages/${enc(rootId)}/thread?${params.toString()}`);
  },

  pins: (roomId: string) => authed<PinnedMessages>('GET', `/api/v1/rooms/${enc(roomId)}/pins`),

  /** One message in its current state (to find its seq before jumping to it). */
  getMessage: (roomId: string, messageId: string) => authed<Message>('GET', `/api/v1/rooms/${enc(roomId)}/messages/${enc(messageId)}`),

  /** Short-lived links to these uploads (those I may read; others are left out). */
  uploadLinks: (ids: string[]) => authed<UploadLinks>('POST', '/api/v1/uploads/links', { ids }),

  // Moderation of a room's members (the room's staff and the instance's).
  muteMember: (roomId: string, userId: string, body: MuteBody) =>
    authed<MemberSanction>('POST', `/api/v1/rooms/${enc(roomId)}/members/${enc(userId)}/mute`, body),
  unmuteMember: (roomId: string, userId: string, body: LiftBody) =>
    authed<void>('DELETE', `/api/v1/rooms/${enc(roomId)}/members/${enc(userId)}/mute`, body),
  setSlowMode: (roomId: string, seconds: number, reason: string) =>
    authed<RoomPace>('PUT', `/api/v1/rooms/${enc(roomId)}/slow-mode`, { seconds, reason }),
  setReadOnly: (roomId: string, readOnly: boolean, reason: string) =>
    authed<RoomPace>('PUT', `/api/v1/rooms/${enc(roomId)}/read-only`, { readOnly, reason }),
  kickMember: (roomId: string, userId: string, body: LiftBody) =>
    authed<void>('POST', `/api/v1/rooms/${enc(roomId)}/members/${enc(userId)}/kick`, body),
  banMember: (roomId: string, userId: string, body: BanBody) =>
    authed<MemberSanction>('POST', `/api/v1/rooms/${enc(roomId)}/members/${enc(userId)}/ban`, body),

  // Reporting a message (any member), and what became of my reports.
  reportMessage: (roomId: string, messageId: string, body: ReportBody) =>
    authed<MyReport>('POST', `/api/v1/rooms/${enc(roomId)}/messages/${enc(messageId)}/report`, body),
  myReports: () => authed<{ reports: MyReport[] }>('GET', '/api/v1/reports/mine'),

  // The admin dashboard (instance staff only; the server checks every call).
  cases: (status: CaseStatus | 'queue' | 'all', cursor?: string) =>
    authed<CasePage>('GET', `/api/v1/admin/cases?status=${enc(status)}${cursor ? `&cursor=${enc(cursor)}` : ''}`),
  adminUsers: (q: string) => authed<AdminUser[]>('GET', `/api/v1/admin/users?q=${enc(q)}`),
  adminPerson: (userId: string) => authed<AdminPersonDetail>('GET', `/api/v1/admin/users/${enc(userId)}`),
  accountAction: (userId: string, action: 'disable' | 'enable' | 'end-sessions', reason: string) =>
    authed<void>('POST', `/api/v1/admin/users/${enc(userId)}/${action}`, { reason }),
  getCase: (caseId: string) => authed<CaseDetail>('GET', `/api/v1/admin/cases/${enc(caseId)}`),
  assignCase: (caseId: string, assigneeId: string | null) =>
    authed<CaseDetail>('PUT', `/api/v1/admin/cases/${enc(caseId)}/assignee`, { assigneeId }),
  noteCase: (caseId: string, text: string) => authed<CaseDetail>('POST', `/api/v1/admin/cases/${enc(caseId)}/notes`, { text }),
  actOnCase: (caseId: string, body: CaseActionBody) => authed<CaseDetail>('POST', `/api/v1/admin/cases/${enc(caseId)}/actions`, body),
  audit: (q: Partial<Record<'actor' | 'target' | 'action' | 'roomId' | 'after' | 'before' | 'cursor', string>> & { limit?: number }) => {
    const params = new URLSearchParams(Object.entries(q).flatMap(([k, v]) => (v === undefined || v === '' ? [] : [[k, String(v)]])));
    return authed<AuditPage>('GET', `/api/v1/admin/audit${params.size ? `?${params}` : ''}`);
  },
  instanceRules: () => authed<WordRule[]>('GET', '/api/v1/admin/rules'),
  createInstanceRule: (body: WordRuleBody) => authed<WordRule>('POST', '/api/v1/admin/rules', body),
  deleteInstanceRule: (ruleId: string) => authed<void>('DELETE', `/api/v1/admin/rules/${enc(ruleId)}`),
  testRules: (body: RuleTestBody) => authed<RuleTestResult>('POST', '/api/v1/admin/rules/test', body),
  adminOverview: () => authed<AdminOverview>('GET', '/api/v1/admin/overview'),
  adminRooms: (q: string, kind?: 'group' | 'channel') =>
    authed<{ rooms: AdminRoom[] }>('GET', `/api/v1/admin/rooms?q=${enc(q)}${kind ? `&kind=${kind}` : ''}`),
  adminRoom: (roomId: string) => authed<AdminRoomDetail>('GET', `/api/v1/admin/rooms/${enc(roomId)}`),
  archiveRoom: (roomId: string, archived: boolean, reason: string) =>
    authed<RoomPace>('PUT', `/api/v1/admin/rooms/${enc(roomId)}/archived`, { archived, reason }),
  deleteRoomAsStaff: (roomId: string, reason: string) => authed<void>('DELETE', `/api/v1/admin/rooms/${enc(roomId)}`, { reason }),
  /** Every engine and consumer as this node sees them; a node that is down still answers with the report (503). */
  health: async (): Promise<HealthReport> => {
    const res = await fetch('/api/v1/health', { cache: 'no-store' });
    if (res.status !== 200 && res.status !== 503) throw new Error(`The health check answered ${res.status}.`);
    return (await res.json()) as HealthReport;
  },
  spamRules: () => authed<SpamSettingsView>('GET', '/api/v1/admin/spam-rules'),
  setSpamRules: (body: SpamSettingsUpdate) => authed<SpamSettingsView>('PUT', '/api/v1/admin/spam-rules', body),

  // Web Push: the key to subscribe with (public), and this person's devices.
  vapidPublicKey: () => requestJson<VapidPublicKey>('GET', '/api/v1/push/vapid-public-key'),
  pushDevices: () => authed<PushDevice[]>('GET', '/api/v1/push/subscriptions'),
  pushSubscribe: (body: PushSubscriptionBody) => authed<PushDevice>('POST', '/api/v1/push/subscriptions', body),
  pushUnsubscribe: (endpoint: string) => authed<void>('DELETE', '/api/v1/push/subscriptions', { endpoint }),

  /** Messages of my rooms, newest first; pass `nextCursor` back as `cursor` for the next page. */
  searchMessages: (params: SearchMessagesParams) => {
    const qs = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value) qs.set(key, value);
    return authed<SearchResult>('GET', `/api/v1/search/messages?${qs.toString()}`);
  },
};
