// Kysely's SQLite driver prepares every statement it runs. Kysely builds the same SQL text for
// the same query shape (values are bound parameters), so caching prepared statements by text
// turns each repeat into a bind-and-step. better-sqlite3 statements are reusable once a run
// completes; Kysely's connection mutex guarantees runs never overlap.
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

export class CachingSqliteDatabase implements SqliteDatabase {
  private readonly cache = new Map<string, BetterSqlite3.Statement>();

  constructor(
    readonly raw: BetterSqlite3.Database,
    private readonly capacity = 256,
  ) {}

  prepare(sql: string): SqliteStatement {
    let stmt = this.cache.get(sql);
    if (stmt === undefined) {
      stmt = this.raw.prepare(sql);
      // Evict the oldest entry: query shapes are few, so this only guards against unbounded growth.
      if (this.cache.size >= this.capacity) {
        const oldest = this.cache.keys().next();
        if (oldest.done !== true) this.cache.delete(oldest.value);
      }
      this.cache.set(sql, stmt);
    }
    return stmt;
  }

  close(): void {
    this.cache.clear();
    this.raw.close();
  }
}
