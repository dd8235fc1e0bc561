import type { Attachment } from '@qc/shared';
import { ApiError, errorFromBody } from '../http';
import { session } from '../session';

export interface UploadProgress {
  loaded: number;
  total: number;
}

/**
 * Sends one file to a room (POST /api/v1/uploads?roomId=, multipart). XMLHttpRequest rather
 * than fetch: only it reports upload progress. Rejects with an ApiError (TOO_LARGE,
 * UNSUPPORTED_TYPE, FORBIDDEN …), or an AbortError when `signal` cancels it.
 */
export async function uploadFile(
  roomId: string,
  file: Blob,
  name: string,
  opts: { onProgress?: (p: UploadProgress) => void; signal?: AbortSignal } = {},
): Promise<Attachment> {
  const token = session.accessToken ?? (await session.refresh());
  if (!token) throw new ApiError(401, 'UNAUTHENTICATED', 'Please sign in again.');
  try {
    return await send(roomId, file, name, token, opts);
  } catch (err) {
    // The access token ran out meanwhile: once more with a fresh one.
    if (!(err instanceof ApiError) || err.status !== 401) throw err;
    const fresh = await session.refresh();
    if (!fresh) throw err;
    return send(roomId, file, name, fresh, opts);
  }
}

function send(
  roomId: string,
  file: Blob,
  name: string,
  token: string,
  { onProgress, signal }: { onProgress?: (p: UploadProgress) => void; signal?: AbortSignal },
): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DOMException('cancelled', 'AbortError'));
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/uploads?roomId=${encodeURIComponent(roomId)}`);
    xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.responseType = 'text';
    xhr.upload.onprogress = (e) => onProgress?.({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onload = () => {
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = undefined;
      }
      if (xhr.status === 201) resolve(body as Attachment);
      else reject(errorFromBody(xhr.status, body));
    };
    xhr.onerror = () => reject(new ApiError(0, 'INTERNAL', "Couldn't reach the server. Check your connection and retry."));
    xhr.onabort = () => reject(new DOMException('cancelled', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append('file', file, name);
    xhr.send(form);
  });
}

/** What to tell a person whose upload was refused. */
export function uploadFailureText(err: unknown, maxBytesHint?: string): string {
  if (err instanceof ApiError) {
    if (err.code === 'TOO_LARGE') return maxBytesHint ? `Too big: files can be up to ${maxBytesHint}.` : err.message;
    if (err.code === 'UNSUPPORTED_TYPE') return `This type of file can't be sent here.`;
    return err.message;
  }
  return 'Upload failed. Retry?';
}

/** "2.4 MB", "830 KB", "12 bytes". */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}
