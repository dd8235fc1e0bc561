import { auth, Client, types } from 'cassandra-driver';

export interface CassandraSettings {
  contactPoints: string[];
  localDataCenter: string;
  keyspace: string;
  consistency: 'ONE' | 'LOCAL_ONE' | 'QUORUM' | 'LOCAL_QUORUM' | 'EACH_QUORUM' | 'ALL';
  /** Used only when the keyspace does not exist yet (development, tests). */
  replication: string;
  username?: string;
  password?: string;
}

export const consistencyOf = (c: CassandraSettings['consistency']) =>
  types.consistencies[
    c === 'LOCAL_QUORUM'
      ? 'localQuorum'
      : c === 'LOCAL_ONE'
        ? 'localOne'
        : c === 'EACH_QUORUM'
          ? 'eachQuorum'
          : (c.toLowerCase() as 'one' | 'quorum' | 'all')
  ];

/** The tables of the history model; `IF NOT EXISTS` makes start-up idempotent across nodes. */
const SCHEMA = [
  // One partition per room and UTC day; newest first, so "latest page" reads the partition head.
  `CREATE TABLE IF NOT EXISTS messages_by_room (
     room_id uuid, bucket int, seq bigint,
     id uuid, sender_id uuid, client_msg_id text, content text, content_type text, reply_to uuid, created_at timestamp,
     PRIMARY KEY ((room_id, bucket), seq)
   ) WITH CLUSTERING ORDER BY (seq DESC)`,
  // Which day buckets a room has, to walk history across partitions.
  `CREATE TABLE IF NOT EXISTS room_buckets (room_id uuid, bucket int, PRIMARY KEY (room_id, bucket)) WITH CLUSTERING ORDER BY (bucket DESC)`,
];

/** Connects, creates the keyspace and tables if missing, and returns a client bound to the keyspace. */
export async function connectCassandra(s: CassandraSettings): Promise<Client> {
  const common = {
    contactPoints: s.contactPoints,
    localDataCenter: s.localDataCenter,
    authProvider: s.username ? new auth.PlainTextAuthProvider(s.username, s.password ?? '') : undefined,
    queryOptions: { consistency: consistencyOf(s.consistency), prepare: true },
    socketOptions: { connectTimeout: 5000, readTimeout: 12000 },
  };
  const bootstrap = new Client(common);
  try {
    await bootstrap.connect();
    await bootstrap.execute(`CREATE KEYSPACE IF NOT EXISTS ${s.keyspace} WITH replication = ${s.replication}`, [], {
      consistency: types.consistencies.one,
    });
  } finally {
    await bootstrap.shutdown();
  }
  const client = new Client({ ...common, keyspace: s.keyspace });
  await client.connect();
  for (const cql of SCHEMA) await client.execute(cql, [], { consistency: types.consistencies.one });
  return client;
}
