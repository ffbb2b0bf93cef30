// Hot queries compiled once. Kysely turns a query shape into the same SQL text every time (values
// are bound parameters), yet building and compiling it costs more than running it on SQLite. So
// the queries every request makes are built once with marker values, and each call only swaps
// the markers in the parameter list for the real values: no builder, visitor or freezing per call.
// Only for shapes that do not depend on the values (no `$if` on a value, fixed column lists).
import type { Compilable, CompiledQuery, QueryResult } from 'kysely';

const MARKER = '\u0000portcullis-parameter-';

/** The value standing for parameter `i` while the template is built. */
export function param(i: number): string {
  return `${MARKER}${i}`;
}

/** A Kysely instance or transaction. */
export interface Executor {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

export interface CompiledOnce<Row> {
  /** Every row, running the query on `db` with the values in marker order. */
  rows(db: Executor, values: readonly unknown[]): Promise<Row[]>;
  /** The first row, or undefined. */
  first(db: Executor, values: readonly unknown[]): Promise<Row | undefined>;
  /** How many rows an insert, update or delete changed. */
  affected(db: Executor, values: readonly unknown[]): Promise<bigint>;
}

export function compileOnce<Row>(query: Compilable<Row>): CompiledOnce<Row> {
  const compiled = query.compile();
  // For each parameter position: the index of the caller's value, or -1 for a constant.
  const slots = compiled.parameters.map((p) =>
    typeof p === 'string' && p.startsWith(MARKER) ? Number(p.slice(MARKER.length)) : -1,
  );
  const bind = (values: readonly unknown[]): CompiledQuery<Row> => ({
    ...compiled,
    parameters: slots.map((slot, i) => (slot === -1 ? compiled.parameters[i] : values[slot])),
  });
  return {
    async rows(db, values) {
      return (await db.executeQuery(bind(values))).rows;
    },
    async first(db, values) {
      return (await db.executeQuery(bind(values))).rows[0];
    },
    async affected(db, values) {
      const res = await db.executeQuery(bind(values));
      return res.numAffectedRows ?? 0n;
    },
  };
}
