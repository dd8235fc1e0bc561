import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Uploaded files: what each is (sniffed type, size, an image's dimensions and placeholder),
 * who sent it to which room, and the message it went out with (null until attached). The
 * bytes are in the media store under `uploads/<id>`. No foreign key to messages: with the
 * history in Cassandra they are not in this database.
 *  - uploads_unattached: the sweep of uploads never attached, oldest first.
 *  - uploads_message: a message's attachments.
 */
export class Uploads1796500000000 implements MigrationInterface {
  name = 'Uploads1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE uploads (
        id           uuid PRIMARY KEY,
        room_id      uuid NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        uploader_id  uuid NOT NULL REFERENCES users(id),
        name         text NOT NULL,
        size         bigint NOT NULL CHECK (size >= 0),
        mime_type    text NOT NULL,
        kind         text NOT NULL CHECK (kind IN ('image', 'file')),
        width        integer CHECK (width > 0),
        height       integer CHECK (height > 0),
        blurhash     text,
        thumbnails   integer[] NOT NULL DEFAULT '{}',
        message_id   uuid,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX uploads_unattached ON uploads (created_at) WHERE message_id IS NULL`);
    await q.query(`CREATE INDEX uploads_message ON uploads (message_id) WHERE message_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE uploads`);
  }
}
