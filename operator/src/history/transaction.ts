// One PostgreSQL transaction on a client: committed when `work` resolves,
// rolled back (best effort: the connection may be what failed) when it throws.
import type pg from 'pg';

export async function inTransaction<T>(
  client: pg.ClientBase,
  work: () => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  await client.query(begin);
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
