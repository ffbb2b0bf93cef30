// How better-sqlite3 reports the conditions the shared SQL code cares about.
import type { SqlDialectTraits } from '../sql/dialect.js';

function sqliteCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : null;
}

export const sqliteTraits: SqlDialectTraits = {
  name: 'sqlite',
  rowLocks: false,
  constraintViolation(error) {
    switch (sqliteCode(error)) {
      case 'SQLITE_CONSTRAINT_FOREIGNKEY':
        return 'foreign-key';
      case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      case 'SQLITE_CONSTRAINT_UNIQUE':
        return 'unique';
      default:
        return null;
    }
  },
  // One connection in one process: nothing to retry (busy_timeout covers other processes).
  isRetryable: () => false,
};
