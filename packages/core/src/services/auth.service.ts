import { createHash, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { hash as argonHash, verify as argonVerify, Algorithm } from '@node-rs/argon2';
import jwt from 'jsonwebtoken';
import { LIMITS, uuid, type AuthResponse, type LoginBody, type RegisterBody } from '@qc/shared';
import { AppError } from '../errors';
import type { MetadataStore, UserRecord } from '../ports/metadata.port';
import { uuidv7 } from '../lib/uuidv7';
import { toPublicUser } from './users.service';
import type { ThrottleService } from './throttle.service';

export interface AuthSettings {
  jwtSecret: string;
  argon2: { memoryKib: number; timeCost: number };
  accessTtlSeconds?: number;
  refreshTtlDays?: number;
}

export interface IssuedSession extends AuthResponse {
  /** Opaque; goes to the browser only as an httpOnly cookie. */
  refreshToken: string;
  refreshExpiresAt: Date;
}

export interface AccessClaims {
  userId: string;
  /** When it was issued (to the second). */
  issuedAt: Date;
  /** When the token stops being valid. */
  expiresAt: Date;
}

/** Who is asking, as far as the edge knows: the client address the throttles count by. */
export interface ClientContext {
  address?: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Accounts and sessions. Access tokens are short-lived JWTs (HS256); refresh tokens are
 * random, stored only as a hash, rotated on every use and grouped in families so that a
 * stolen token used after its owner refreshed (a reuse) revokes the whole family.
 */
export class AuthService {
  private readonly accessTtl: number;
  private readonly refreshTtlMs: number;
  /**
   * The HS256 secret as a KeyObject, made once: given a string, jsonwebtoken first tries to
   * parse it as a public or private key (which throws, and costs more than the HMAC itself)
   * on every sign and verify: 4 % of the api's CPU under the bench's sign-ups and reconnects.
   */
  private readonly jwtKey: KeyObject;
  /** A real hash of nothing, verified against when the user does not exist, so timing does not reveal usernames. */
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly meta: MetadataStore,
    private readonly settings: AuthSettings,
    private readonly now: () => Date = () => new Date(),
    /** Limits guessing and sign-up floods; without one (some tests) nothing is limited. */
    private readonly throttle: ThrottleService | null = null,
    /** Told of each new account before its session is issued (the first admins named by a setting). */
    private readonly onSignedUp: (user: UserRecord) => Promise<void> = async () => undefined,
  ) {
    this.accessTtl = settings.accessTtlSeconds ?? LIMITS.accessTokenTtlSeconds;
    this.refreshTtlMs = (settings.refreshTtlDays ?? LIMITS.refreshTokenTtlDays) * 86_400_000;
    this.jwtKey = createSecretKey(Buffer.from(settings.jwtSecret));
  }

  private hashPassword(password: string) {
    return argonHash(password, {
      algorithm: Algorithm.Argon2id,
      memoryCost: this.settings.argon2.memoryKib,
      timeCost: this.settings.argon2.timeCost,
      parallelism: 1,
    });
  }

  async register(input: RegisterBody, client: ClientContext = {}): Promise<IssuedSession> {
    await this.throttle?.signUp(client.address);
    // The schema lowercases at the edge; doing it here too keeps "Bob" and "bob" one account for any caller.
    const body = { ...input, username: input.username.toLowerCase() };
    if (await this.meta.findUserByUsername(body.username)) throw AppError.conflict(`the username "${body.username}" is taken`);
    const passwordHash = await this.hashPassword(body.password);
    try {
      const user = await this.meta.createUser({
        id: uuidv7(),
        username: body.username,
        displayName: body.displayName ?? body.username,
        passwordHash,
      });
      await this.onSignedUp(user);
      return this.issue(user.id, uuidv7());
    } catch (e) {
      if ((e as { code?: string }).code === '23505') throw AppError.conflict(`the username "${body.username}" is taken`);
      throw e;
    }
  }

  async login(body: LoginBody, client: ClientContext = {}): Promise<IssuedSession> {
    const username = body.username.toLowerCase();
    // Checked before the password: while locked, even the right one is refused, so a guesser learns nothing.
    await this.throttle?.beforeLogin(username, client.address);
    const user = await this.meta.findUserByUsername(username);
    if (!user) {
      this.dummyHash ??= this.hashPassword(randomBytes(16).toString('hex'));
      await argonVerify(await this.dummyHash, body.password).catch(() => false);
      await this.throttle?.loginFailed(username, client.address);
      throw AppError.unauthenticated('wrong username or password');
    }
    const ok = await argonVerify(user.passwordHash, body.password).catch(() => false);
    if (!ok) {
      await this.throttle?.loginFailed(username, client.address);
      throw AppError.unauthenticated('wrong username or password');
    }
    await this.throttle?.loginSucceeded(username);
    // Told only to whoever knows the password: a guesser learns nothing about the account.
    if (user.disabledAt) {
      throw new AppError(
        'ACCOUNT_DISABLED',
        `this account was disabled by the instance's staff${user.disabledReason ? ` (${user.disabledReason})` : ''}: ask an admin to enable it`,
      );
    }
    return this.issue(user.id, uuidv7());
  }

  async refresh(refreshToken: string | undefined): Promise<IssuedSession> {
    if (!refreshToken) throw AppError.unauthenticated('no session: sign in');
    const record = await this.meta.findRefreshTokenByHash(sha256(refreshToken));
    if (!record) throw AppError.unauthenticated('unknown session: sign in again');
    const now = this.now();
    if (record.revokedAt) {
      // Presented again after it was rotated: someone else holds a copy. End every session of this family.
      await this.meta.revokeRefreshFamily(record.familyId, now);
      throw AppError.unauthenticated('this session was ended for safety (a refresh token was reused): sign in again');
    }
    if (record.expiresAt <= now) throw AppError.unauthenticated('session expired: sign in again');
    if (!(await this.meta.revokeRefreshToken(record.id, now))) {
      await this.meta.revokeRefreshFamily(record.familyId, now);
      throw AppError.unauthenticated('this session was ended for safety (a refresh token was reused): sign in again');
    }
    return this.issue(record.userId, record.familyId);
  }

  async logout(refreshToken: string | undefined): Promise<void> {
    if (!refreshToken) return;
    const record = await this.meta.findRefreshTokenByHash(sha256(refreshToken));
    if (record) await this.meta.revokeRefreshFamily(record.familyId, this.now());
  }

  /**
   * The account behind a verified access token, refused UNAUTHENTICATED once it is erased
   * (or gone): an access token is a JWT nobody can revoke, so every REST request and socket
   * handshake asks, and a deleted account's token stops working at once, not when it expires.
   */
  async requireActiveAccount(userId: string): Promise<UserRecord> {
    const user = await this.meta.findUserById(userId);
    if (!user) throw AppError.unauthenticated('account no longer exists');
    if (user.deletedAt) throw AppError.unauthenticated('this account was deleted');
    if (user.disabledAt) throw AppError.unauthenticated("this account was disabled by the instance's staff");
    return user;
  }

  /** verifyAccessToken, then requireActiveAccount: what the REST guard and the socket handshake check. */
  async authenticate(token: unknown): Promise<AccessClaims> {
    const claims = this.verifyAccessToken(token);
    await this.requireLiveSession(claims);
    return claims;
  }

  /**
   * requireActiveAccount, and the token not older than the last "end all sessions" (or the
   * account's disabling): tokens issued before that second no longer count (one issued within
   * that same second lives out its 15 minutes: JWTs carry whole seconds).
   */
  async requireLiveSession(claims: Pick<AccessClaims, 'userId' | 'issuedAt'>): Promise<UserRecord> {
    const user = await this.requireActiveAccount(claims.userId);
    if (user.sessionsEndedAt && claims.issuedAt.getTime() < Math.floor(user.sessionsEndedAt.getTime() / 1000) * 1000) {
      throw AppError.unauthenticated('you were signed out everywhere: sign in again');
    }
    return user;
  }

  /**
   * The signed-in person typing their password again before something that cannot be
   * undone. Wrong: FORBIDDEN (they are signed in; a 401 would read as "session expired").
   * Counted with sign-in failures on the same username and address, so a stolen access
   * token does not become a way to guess the password.
   */
  async confirmPassword(userId: string, password: string, client: ClientContext = {}): Promise<UserRecord> {
    const user = await this.requireActiveAccount(userId);
    await this.throttle?.beforeLogin(user.username, client.address);
    const ok = await argonVerify(user.passwordHash, password).catch(() => false);
    if (!ok) {
      await this.throttle?.loginFailed(user.username, client.address);
      throw AppError.forbidden('that is not your password: nothing was changed');
    }
    await this.throttle?.loginSucceeded(user.username);
    return user;
  }

  /** Throws UNAUTHENTICATED for a missing, forged, expired or non-access token. */
  verifyAccessToken(token: unknown): AccessClaims {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) throw AppError.unauthenticated('missing access token');
    try {
      const claims = jwt.verify(token, this.jwtKey, {
        algorithms: ['HS256'],
        clockTimestamp: Math.floor(this.now().getTime() / 1000),
      });
      if (
        typeof claims !== 'object' ||
        claims === null ||
        claims.typ !== 'access' ||
        typeof claims.sub !== 'string' ||
        // Ids are uuids: any other subject, even under our signature, must not reach a uuid column (a 500 there).
        !uuid.safeParse(claims.sub).success ||
        typeof claims.exp !== 'number'
      ) {
        throw new Error('not an access token');
      }
      const iat = typeof claims.iat === 'number' ? claims.iat : claims.exp - this.accessTtl;
      return { userId: claims.sub, issuedAt: new Date(iat * 1000), expiresAt: new Date(claims.exp * 1000) };
    } catch (e) {
      if (e instanceof jwt.TokenExpiredError) throw AppError.unauthenticated('access token expired: refresh it');
      throw AppError.unauthenticated('invalid access token');
    }
  }

  signAccessToken(userId: string): string {
    const iat = Math.floor(this.now().getTime() / 1000);
    return jwt.sign({ sub: userId, typ: 'access', iat, exp: iat + this.accessTtl }, this.jwtKey, { algorithm: 'HS256' });
  }

  private async issue(userId: string, familyId: string): Promise<IssuedSession> {
    const user = await this.requireActiveAccount(userId);
    const refreshToken = randomBytes(32).toString('base64url');
    const refreshExpiresAt = new Date(this.now().getTime() + this.refreshTtlMs);
    await this.meta.insertRefreshToken({ id: uuidv7(), userId, familyId, tokenHash: sha256(refreshToken), expiresAt: refreshExpiresAt });
    return {
      accessToken: this.signAccessToken(userId),
      expiresIn: this.accessTtl,
      user: toPublicUser(user),
      refreshToken,
      refreshExpiresAt,
    };
  }
}
