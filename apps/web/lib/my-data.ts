import type { DeleteAccountBody } from '@qc/shared';
import { ApiError, errorFromBody, requestJson } from './http';
import { session } from './session';

/*
 * "Your data" from the browser: download everything the product holds about you, and
 * delete your account.
 */

const FALLBACK_FILE_NAME = 'quantum-chat-export.json';

/** The file name the server gave (`attachment; filename="…"`), kept to a safe alphabet. */
export function fileNameFrom(contentDisposition: string | null, fallback = FALLBACK_FILE_NAME): string {
  const name = /filename="([^"]+)"/i.exec(contentDisposition ?? '')?.[1];
  return name && /^[\w.-]+$/.test(name) ? name : fallback;
}

/** The typed confirmation matches the username (spaces around it and letter case aside, as usernames are lower case). */
export function confirmationMatches(typed: string, username: string): boolean {
  return typed.trim().toLowerCase() === username.toLowerCase();
}

/** The export as a file to save: the server streams it; the browser keeps it as a Blob until it is saved. */
export function fetchMyData(): Promise<{ blob: Blob; fileName: string }> {
  return fetchAuthedFile('/api/v1/users/me/export', FALLBACK_FILE_NAME);
}

/** A file the api answers for the signed-in person (an export, a download), with its name; a session that lapsed is refreshed once. */
export async function fetchAuthedFile(url: string, fallbackName: string): Promise<{ blob: Blob; fileName: string }> {
  const get = (token: string) =>
    fetch(url, { headers: { Authorization: `Bearer ${token}` }, credentials: 'same-origin', cache: 'no-store' });
  let token = session.accessToken ?? (await session.refresh());
  if (!token) throw new ApiError(401, 'UNAUTHENTICATED', 'Please sign in again.');
  let res: Response;
  try {
    res = await get(token);
    if (res.status === 401 && (token = await session.refresh())) res = await get(token);
  } catch {
    throw new ApiError(0, 'INTERNAL', "Can't reach the server. Check your connection and try again.");
  }
  if (!res.ok) throw errorFromBody(res.status, await res.json().catch(() => undefined));
  return { blob: await res.blob(), fileName: fileNameFrom(res.headers.get('content-disposition'), fallbackName) };
}

/** Hands a Blob to the browser's "save file": a link with `download`, clicked once, then let go. */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The save has started from the click; the URL is released after it has had time to.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** `DELETE /users/me`. A wrong password is FORBIDDEN (not 401), so it is never mistaken for an expired session. */
export async function deleteMyAccount(body: DeleteAccountBody): Promise<void> {
  const call = (token: string | null) => requestJson<void>('DELETE', '/api/v1/users/me', { body, token });
  try {
    await call(session.accessToken ?? (await session.refresh()));
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) throw err;
    const fresh = await session.refresh();
    if (!fresh) throw err;
    await call(fresh);
  }
}
