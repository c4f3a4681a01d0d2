import Database from 'better-sqlite3';

/** Open a monitoring database read-only, as the dashboard does. */
export function openReadOnly(path: string): Database.Database {
  return new Database(path, { readonly: true, fileMustExist: true });
}

/** Rows of a query. */
export function rows<T>(db: Database.Database, sql: string, ...params: unknown[]): T[] {
  return db.prepare(sql).all(...params) as T[];
}
