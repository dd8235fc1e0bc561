import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1732350000000 implements MigrationInterface {
  name = 'InitialSchema1732350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id            uuid PRIMARY KEY,
        username      text NOT NULL UNIQUE,
        display_name  text NOT NULL,
        avatar_url    text,
        password_hash text NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        last_seen_at  timestamptz
      )`);
    await q.query(`CREATE INDEX users_display_name_lower_idx ON users (lower(display_name) text_pattern_ops)`);

    await q.query(`
      CREATE TABLE refresh_tokens (
        id          uuid PRIMARY KEY,
        user_id     uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        family_id   uuid NOT NULL,
        token_hash  text NOT NULL UNIQUE,
        expires_at  timestamptz NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        revoked_at  timestamptz
      )`);
    await q.query(`CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)`);

    await q.query(`
      CREATE TABLE rooms (
        id              uuid PRIMARY KEY,
        kind            text NOT NULL CHECK (kind IN ('direct','group','channel')),
        name            text,
        topic           text,
        direct_key      text UNIQUE,
        created_by      uuid NOT NULL REFERENCES users(id),
        created_at      timestamptz NOT NULL DEFAULT now(),
        last_seq        bigint NOT NULL DEFAULT 0,
        last_message_at timestamptz,
        CHECK ((kind = 'direct') = (direct_key IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX rooms_channels_idx ON rooms (lower(name)) WHERE kind = 'channel'`);

    await q.query(`
      CREATE TABLE room_members (
        room_id   uuid NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        user_id   uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role      text NOT NULL CHECK (role IN ('owner','admin','member')),
        joined_at timestamptz NOT NULL DEFAULT now(),
        read_seq  bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (room_id, user_id)
      )`);
    await q.query(`CREATE INDEX room_members_user_idx ON room_members (user_id)`);

    // History lives apart from metadata (it moves to Cassandra when scaled out), so no FK to rooms.
    await q.query(`
      CREATE TABLE messages (
        id            uuid PRIMARY KEY,
        room_id       uuid NOT NULL,
        seq           bigint NOT NULL,
        sender_id     uuid NOT NULL,
        client_msg_id text NOT NULL,
        content       text NOT NULL,
        content_type  text NOT NULL DEFAULT 'text',
        reply_to      uuid,
        created_at    timestamptz NOT NULL,
        CONSTRAINT messages_room_seq_key UNIQUE (room_id, seq),
        CONSTRAINT messages_idempotency_key UNIQUE (room_id, sender_id, client_msg_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE messages`);
    await q.query(`DROP TABLE room_members`);
    await q.query(`DROP TABLE rooms`);
    await q.query(`DROP TABLE refresh_tokens`);
    await q.query(`DROP TABLE users`);
  }
}
