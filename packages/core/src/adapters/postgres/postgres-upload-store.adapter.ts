import type { DataSource } from 'typeorm';
import type { AttachRequest, NewUpload, UploadKind, UploadRecord, UploadStore } from '../../ports/upload-store.port';
import type { SequencerScope } from '../../ports/room-sequencer.port';
import { managerFor } from './pg-scope';
import { queryRows, type Queryable } from './pg-rows';

interface UploadRow {
  id: string;
  room_id: string;
  uploader_id: string;
  name: string;
  size: string;
  mime_type: string;
  kind: UploadKind;
  width: number | null;
  height: number | null;
  blurhash: string | null;
  thumbnails: number[];
  message_id: string | null;
  created_at: Date;
}

const COLUMNS = 'id, room_id, uploader_id, name, size, mime_type, kind, width, height, blurhash, thumbnails, message_id, created_at';

const toRecord = (r: UploadRow): UploadRecord => ({
  id: r.id,
  roomId: r.room_id,
  uploaderId: r.uploader_id,
  name: r.name,
  size: Number(r.size),
  mimeType: r.mime_type,
  kind: r.kind,
  width: r.width,
  height: r.height,
  blurhash: r.blurhash,
  thumbnails: r.thumbnails,
  messageId: r.message_id,
  createdAt: r.created_at,
});

/** Uploads in PostgreSQL (both profiles): one row each, in the `uploads` table. */
export class PostgresUploadStore implements UploadStore {
  constructor(private readonly ds: DataSource) {}

  async create(u: NewUpload): Promise<UploadRecord> {
    const [row] = await queryRows<UploadRow>(
      this.ds,
      `INSERT INTO uploads (id, room_id, uploader_id, name, size, mime_type, kind, width, height, blurhash, thumbnails)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       RETURNING ${COLUMNS}`,
      [u.id, u.roomId, u.uploaderId, u.name, u.size, u.mimeType, u.kind, u.width, u.height, u.blurhash, u.thumbnails],
    );
    return toRecord(row!);
  }

  async get(id: string): Promise<UploadRecord | null> {
    const [row] = await queryRows<UploadRow>(this.ds, `SELECT ${COLUMNS} FROM uploads WHERE id = $1`, [id]);
    return row ? toRecord(row) : null;
  }

  async findByIds(ids: readonly string[]): Promise<UploadRecord[]> {
    if (ids.length === 0) return [];
    const rows = await queryRows<UploadRow>(this.ds, `SELECT ${COLUMNS} FROM uploads WHERE id = ANY($1::uuid[])`, [ids]);
    return rows.map(toRecord);
  }

  /** `db`: a transaction to read in (a message change's), else the pool. */
  async listByMessages(messageIds: readonly string[], db: Queryable = this.ds): Promise<UploadRecord[]> {
    if (messageIds.length === 0) return [];
    const rows = await queryRows<UploadRow>(
      db,
      `SELECT ${COLUMNS} FROM uploads WHERE message_id = ANY($1::uuid[]) ORDER BY message_id, position NULLS LAST, created_at, id`,
      [messageIds],
    );
    return rows.map(toRecord);
  }

  /** With the room sequencer's scope (a send's commit), on the connection holding the room: never a second one from the pool. */
  async attach(ids: readonly string[], to: AttachRequest, scope?: SequencerScope): Promise<UploadRecord[] | null> {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return [];
    // One statement: it attaches only if every id qualifies, so a send never goes out with
    // part of its files. Rows already on this message count as qualifying (a retried send).
    const rows = await queryRows<UploadRow>(
      managerFor(this.ds, scope),
      `WITH wanted AS (
         SELECT id FROM uploads
          WHERE id = ANY($1::uuid[]) AND room_id = $2 AND uploader_id = $3
            AND (message_id IS NULL OR message_id = $4)
          FOR UPDATE
       ), updated AS (
         UPDATE uploads u SET message_id = $4, position = array_position($1::uuid[], u.id)
           FROM wanted w
          WHERE u.id = w.id AND (SELECT count(*) FROM wanted) = $5
         RETURNING u.${COLUMNS.split(', ').join(', u.')}
       )
       SELECT * FROM updated`,
      [wanted, to.roomId, to.uploaderId, to.messageId, wanted.length],
    );
    if (rows.length !== wanted.length) return null;
    const byId = new Map(rows.map((r) => [r.id, toRecord(r)]));
    return ids.filter((id, i) => ids.indexOf(id) === i).map((id) => byId.get(id)!);
  }

  async listByMessage(messageId: string): Promise<UploadRecord[]> {
    const rows = await queryRows<UploadRow>(this.ds, `SELECT ${COLUMNS} FROM uploads WHERE message_id = $1 ORDER BY position NULLS LAST, created_at, id`, [
      messageId,
    ]);
    return rows.map(toRecord);
  }

  async listByUploader(uploaderId: string): Promise<UploadRecord[]> {
    const rows = await queryRows<UploadRow>(this.ds, `SELECT ${COLUMNS} FROM uploads WHERE uploader_id = $1 ORDER BY created_at, id`, [uploaderId]);
    return rows.map(toRecord);
  }

  async listByRoom(roomId: string): Promise<UploadRecord[]> {
    const rows = await queryRows<UploadRow>(this.ds, `SELECT ${COLUMNS} FROM uploads WHERE room_id = $1`, [roomId]);
    return rows.map(toRecord);
  }

  async unattachedBefore(before: Date, limit: number): Promise<UploadRecord[]> {
    const rows = await queryRows<UploadRow>(
      this.ds,
      `SELECT ${COLUMNS} FROM uploads WHERE message_id IS NULL AND created_at < $1 ORDER BY created_at, id LIMIT $2`,
      [before, limit],
    );
    return rows.map(toRecord);
  }

  async delete(id: string): Promise<void> {
    await this.ds.query(`DELETE FROM uploads WHERE id = $1`, [id]);
  }
}
