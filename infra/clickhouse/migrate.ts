import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot, type Logger } from '../../kernel';
import type { StoreConnection } from './client';
import { translateStoreError } from './store-errors';

const MIGRATIONS_DIR = fromRoot('infra', 'clickhouse', 'migrations');

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/** Migrations are `NNNN_name.sql` files; `{db}` stands for the database (a validated identifier). */
export function loadMigrations(database: string, dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), 'utf8').replaceAll('{db}', `\`${database}\``);
      const statements = sql
        .split(/;\s*$/m)
        .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
        .filter((s) => s.length > 0);
      return { version: Number(file.slice(0, 4)), name: file.replace(/\.sql$/, ''), statements };
    });
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, in order. Statements are
 * idempotent (IF NOT EXISTS) so a migration interrupted half-way can simply run again.
 * Returns the versions applied by this call.
 */
export async function migrate(store: StoreConnection, logger: Logger): Promise<number[]> {
  const { client, database } = store;
  const db = `\`${database}\``;
  try {
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
    await client.command({
      query: `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations
        (version UInt32, name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
        ENGINE = MergeTree ORDER BY version`,
    });
    const rs = await client.query({ query: `SELECT version FROM ${db}.schema_migrations`, format: 'JSONEachRow' });
    const done = new Set((await rs.json<{ version: number }>()).map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of loadMigrations(database)) {
      if (done.has(m.version)) continue;
      for (const statement of m.statements) await client.command({ query: statement });
      await client.insert({
        table: `${db}.schema_migrations`,
        values: [{ version: m.version, name: m.name }],
        format: 'JSONEachRow',
      });
      logger.info({ version: m.version, name: m.name }, 'migration applied');
      applied.push(m.version);
    }
    return applied;
  } catch (err) {
    throw translateStoreError(err, 'migrating the store');
  }
}
