// What the shared SQL code needs to know about the database underneath.

export type SqlDialectName = 'sqlite' | 'postgres';

export type ConstraintViolation = 'unique' | 'foreign-key';

export interface SqlDialectTraits {
  readonly name: SqlDialectName;
  /**
   * Whether SELECT ... FOR UPDATE / FOR SHARE exist and matter. PostgreSQL runs transactions
   * concurrently and needs row locks; SQLite serialises them (one connection), has no such syntax.
   */
  readonly rowLocks: boolean;
  /** Classifies a driver error as a constraint violation, or null for anything else. */
  constraintViolation(error: unknown): ConstraintViolation | null;
  /** Deadlocks and serialisation failures: the whole transaction may simply be run again. */
  isRetryable(error: unknown): boolean;
}
