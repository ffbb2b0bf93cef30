// One transaction, run again when the database says it may simply be retried (PostgreSQL
// deadlocks and serialisation failures); shared by the metadata and IAM stores.
import type { Kysely, Transaction } from 'kysely';
import type { SqlDialectTraits } from './dialect.js';

const MAX_TX_ATTEMPTS = 5;

export async function inTransaction<DB, T>(
  db: Kysely<DB>,
  traits: SqlDialectTraits,
  fn: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(fn);
    } catch (e) {
      if (attempt < MAX_TX_ATTEMPTS && traits.isRetryable(e)) continue;
      throw e;
    }
  }
}
