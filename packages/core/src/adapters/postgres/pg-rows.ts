/** The least a query target needs: a DataSource, EntityManager or QueryRunner. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Runs a query and returns its rows. TypeORM's postgres driver answers UPDATE/DELETE with
 * `[rows, affectedCount]` but SELECT/INSERT with `rows`; this hides the difference so a
 * `RETURNING` clause reads the same everywhere.
 */
export async function queryRows<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T[]> {
  const r = await db.query(sql, params);
  if (Array.isArray(r) && r.length === 2 && Array.isArray(r[0]) && typeof r[1] === 'number') return r[0] as T[];
  return r as T[];
}
