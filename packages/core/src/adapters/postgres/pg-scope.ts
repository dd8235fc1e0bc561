import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { SequencerScope } from '../../ports/room-sequencer.port';

/** The PostgreSQL room sequencer's scope: the query runner (one pooled connection) holding the room's advisory lock. */
export class PostgresSequencerScope implements SequencerScope {
  readonly engine = 'postgres';
  constructor(readonly runner: QueryRunner) {}
}

/**
 * Where a PostgreSQL store runs its queries: on the scope's connection when it is handed
 * one (its `transaction` then runs on that connection too, rather than on a new one from
 * the pool), else on the pool. A PostgreSQL scope of another data source is a wiring
 * mistake, refused rather than silently run on the pool (which can deadlock) or on
 * another database.
 */
export function managerFor(ds: DataSource, scope: SequencerScope | undefined): EntityManager {
  if (!scope || scope.engine !== 'postgres') return ds.manager;
  if (!(scope instanceof PostgresSequencerScope) || scope.runner.connection !== ds) {
    throw new Error('the room sequencer and the message store must be built on the same DataSource');
  }
  return scope.runner.manager;
}
