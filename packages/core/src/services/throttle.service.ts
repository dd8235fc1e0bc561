import { AppError } from '../errors';
import type { AttemptCounter, AttemptLimiter } from '../ports/attempt-limiter.port';

export interface ThrottleSettings {
  login: {
    /** Failed sign-ins one username may have in a window before it is locked. */
    failuresPerUsername: number;
    /** Failed sign-ins from one client address (any usernames) before it is locked: credential stuffing. */
    failuresPerAddress: number;
    windowSec: number;
    lockSec: number;
    /** After the 2nd failure a username waits this long, doubling with each failure until the lock (0 = no delays). */
    delaySec: number;
  };
  signUps: { perAddress: number; windowSec: number };
  roomCreation: { perPerson: number; windowSec: number };
  /** Files one person may upload per window (each up to UPLOAD_MAX_BYTES): a member cannot fill the disk. */
  uploads: { perPerson: number; windowSec: number };
}

/**
 * Limits on what costs us or endangers accounts: password guessing, sign-up floods, room
 * floods. The policy for guessing (Rocket.Chat's and OWASP's): failures are counted per
 * username (one account being guessed from many addresses) and per client address (many
 * accounts tried from one); a username that keeps failing waits a growing delay and is
 * then locked, and while locked even the right password is refused. That lets anyone who
 * knows a username lock its owner out for a while, but never for longer than the lock,
 * and it caps guessing at `failuresPerUsername` per lock period however many addresses
 * the guesser has; keying by username and address together would let a botnet guess on.
 * A successful sign-in clears the username's failures (not the address's: one good
 * account must not reset a stuffing run).
 */
export class ThrottleService {
  private readonly loginByUsername: AttemptCounter;
  private readonly loginByAddress: AttemptCounter;
  private readonly signUpsByAddress: AttemptCounter;
  private readonly roomsByPerson: AttemptCounter;
  private readonly uploadsByPerson: AttemptCounter;

  constructor(
    limiter: AttemptLimiter,
    private readonly settings: ThrottleSettings,
  ) {
    const { login } = settings;
    this.loginByUsername = limiter.counter({
      name: 'login-user',
      limit: login.failuresPerUsername,
      windowSec: login.windowSec,
      lockSec: login.lockSec,
    });
    this.loginByAddress = limiter.counter({
      name: 'login-addr',
      limit: login.failuresPerAddress,
      windowSec: login.windowSec,
      lockSec: login.lockSec,
    });
    this.signUpsByAddress = limiter.counter({
      name: 'signup-addr',
      limit: settings.signUps.perAddress,
      windowSec: settings.signUps.windowSec,
    });
    this.roomsByPerson = limiter.counter({
      name: 'room-create',
      limit: settings.roomCreation.perPerson,
      windowSec: settings.roomCreation.windowSec,
    });
    this.uploadsByPerson = limiter.counter({
      name: 'upload',
      limit: settings.uploads.perPerson,
      windowSec: settings.uploads.windowSec,
    });
  }

  /** Before a password is checked: refuses a locked or delayed username, or a locked address. */
  async beforeLogin(username: string, address: string | undefined): Promise<void> {
    const [user, addr] = await Promise.all([
      this.loginByUsername.peek(username),
      address ? this.loginByAddress.peek(address) : Promise.resolve({ count: 0, retryAfterMs: 0 }),
    ]);
    if (user.retryAfterMs > 0) {
      const locked = user.count >= this.settings.login.failuresPerUsername;
      throw AppError.rateLimited(
        user.retryAfterMs,
        locked
          ? `too many failed sign-ins for this account: it is locked; try again in ${formatWait(user.retryAfterMs)}`
          : `too many failed sign-ins for this account: wait ${formatWait(user.retryAfterMs)} before trying again`,
      );
    }
    if (addr.retryAfterMs > 0) {
      throw AppError.rateLimited(
        addr.retryAfterMs,
        `too many failed sign-ins from your network: try again in ${formatWait(addr.retryAfterMs)}`,
      );
    }
  }

  /** A wrong password (or unknown username: counted alike, so failures reveal nothing). */
  async loginFailed(username: string, address: string | undefined): Promise<void> {
    const [user] = await Promise.all([this.loginByUsername.hit(username), address ? this.loginByAddress.hit(address) : null]);
    const { delaySec, failuresPerUsername } = this.settings.login;
    if (delaySec > 0 && user.count >= 2 && user.count < failuresPerUsername) {
      await this.loginByUsername.hold(username, delaySec * 2 ** (user.count - 2));
    }
  }

  async loginSucceeded(username: string): Promise<void> {
    await this.loginByUsername.reset(username);
  }

  /** Counts a sign-up attempt from this address (before the password is hashed: hashing is the expensive part). */
  async signUp(address: string | undefined): Promise<void> {
    if (!address) return;
    const r = await this.signUpsByAddress.hit(address);
    if (!r.allowed) {
      throw AppError.rateLimited(r.retryAfterMs, `too many sign-ups from your network: try again in ${formatWait(r.retryAfterMs)}`);
    }
  }

  async roomCreation(userId: string): Promise<void> {
    const r = await this.roomsByPerson.hit(userId);
    if (!r.allowed) {
      throw AppError.rateLimited(r.retryAfterMs, `you have created many rooms just now: try again in ${formatWait(r.retryAfterMs)}`);
    }
  }

  /** Counts an upload before its bytes are read. */
  async upload(userId: string): Promise<void> {
    const r = await this.uploadsByPerson.hit(userId);
    if (!r.allowed) {
      throw AppError.rateLimited(r.retryAfterMs, `you have uploaded many files just now: try again in ${formatWait(r.retryAfterMs)}`);
    }
  }
}

/** "14 min", "45 s": a wait as a person reads it, rounded up. */
export function formatWait(ms: number): string {
  const sec = Math.max(1, Math.ceil(ms / 1000));
  if (sec < 120) return `${sec} s`;
  return `${Math.ceil(sec / 60)} min`;
}
