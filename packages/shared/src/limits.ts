/** Numbers both sides agree on; the server enforces them, the client uses them to help people. */
export const LIMITS = {
  /** Longest message body, in characters. */
  messageContentMax: 4000,
  /** Largest socket payload the server accepts (Socket.IO maxHttpBufferSize), in bytes. */
  socketPayloadMaxBytes: 64 * 1024,
  /** A typing indicator not renewed within this many ms is gone. */
  typingTtlMs: 5000,
  /** Messages per page over REST and per room:sync answer. */
  historyPageDefault: 50,
  historyPageMax: 100,
  syncPageDefault: 100,
  syncPageMax: 200,
  /** An emoji is a short string (a ZWJ family is 11 UTF-16 units); longer is not one emoji. */
  reactionEmojiMaxLength: 32,
  /** Different emoji on one message, as Discord and Slack cap them. */
  reactionsPerMessageMax: 20,
  /** Who reacted, listed per emoji (the count is always whole). */
  reactionUsersShown: 25,
  /** Pinned messages one room keeps (Slack's cap is 100). */
  pinsPerRoomMax: 100,
  /** Receipts of a room are broadcast at most this often (moves in between are coalesced). */
  receiptFlushMs: 250,
  /** Different people one message may mention (a longer list is refused, not cut). */
  mentionsPerMessageMax: 50,
  /** Files one message may carry (Slack's cap is 10). */
  attachmentsPerMessageMax: 10,
  /** Upload links asked for at once (POST /uploads/links): a page of history's worth. */
  uploadLinksMax: 100,
  /** Members one group can be created with. */
  groupInitialMembersMax: 100,
  /** Access token lifetime: short so a stolen one is useful briefly. */
  accessTokenTtlSeconds: 15 * 60,
  refreshTokenTtlDays: 30,
} as const;

/** Name of the httpOnly cookie that carries the refresh token. */
export const REFRESH_COOKIE = 'qc_refresh';
