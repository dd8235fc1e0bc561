import { z } from 'zod';
import { uuid } from './text';

/*
 * A person's picture: uploaded (`PUT /users/me/avatar`, multipart, one part named `file`),
 * cropped square and re-encoded here, and served from here (`GET /avatars/:userId?v=`).
 * Never a link to another site: a picture from elsewhere would be fetched by the browser of
 * everyone who sees the person, telling that site who reads which room and from where.
 */

/** The stored picture's side, px: twice the largest shown (the profile card's 64, at 2× and a little). */
export const AVATAR_SIZE_PX = 256;
/** The largest picture accepted before cropping (a phone's photo fits). */
export const AVATAR_MAX_BYTES = 10 * 1024 * 1024;

/** The version names the picture's bytes: a new picture is a new URL, so browsers may keep one forever. */
export const avatarVersion = z.string().regex(/^[0-9a-f]{16}$/, 'a picture version: 16 hexadecimal digits');

export const avatarQuery = z.object({ v: avatarVersion }).strict();
export type AvatarQuery = z.infer<typeof avatarQuery>;
export const avatarParam = z.object({ userId: uuid }).strict();

const AVATAR_PATH = /^\/api\/v1\/avatars\/[0-9a-f-]{36}\?v=[0-9a-f]{16}$/;

/** Where a person's current picture is served. */
export function avatarUrlOf(userId: string, version: string): string {
  return `/api/v1/avatars/${userId}?v=${version}`;
}

/** A picture served here (the only kind the web app shows; an older profile may still name another site's). */
export function isHostedAvatar(url: string | null | undefined): url is string {
  return typeof url === 'string' && AVATAR_PATH.test(url);
}
