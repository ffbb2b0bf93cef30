// How node-postgres reports the conditions the shared SQL code cares about (SQLSTATE codes).
import type { SqlDialectTraits } from '../sql/dialect.js';

function sqlState(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : null;
}

export const postgresTraits: SqlDialectTraits = {
  name: 'postgres',
  rowLocks: true,
  constraintViolation(error) {
    switch (sqlState(error)) {
      case '23503':
        return 'foreign-key';
      case '23505':
        return 'unique';
      default:
        return null;
    }
  },
  // deadlock_detected, serialization_failure: PostgreSQL rolled back; the work may run again.
  isRetryable: (error) => {
    const code = sqlState(error);
    return code === '40P01' || code === '40001';
  },
};
