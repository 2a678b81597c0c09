import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Watermark } from './feed-adapter';

/** Where each feed resumes; read and written only by ingest, without the store (ingest may run alone). */
export interface WatermarkStore {
  get(feed: string): Watermark | undefined;
  set(feed: string, watermark: Watermark): Promise<void>;
}

/**
 * Watermarks in one small JSON file, rewritten atomically (temp file + rename) after each page's
 * readings are durable, so a crash leaves either the old or the new watermark — never a torn one.
 */
export function createFileWatermarkStore(file: string): WatermarkStore {
  let state: Record<string, Watermark> = {};
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Watermark>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(`cannot read watermarks from ${file}: ${(err as Error).message}`);
  }
  let writing: Promise<void> = Promise.resolve();
  return {
    get: (feed) => state[feed],
    set(feed, watermark) {
      state = { ...state, [feed]: watermark };
      const snapshot = JSON.stringify(state, null, 2);
      writing = writing.then(() => {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(`${file}.tmp`, snapshot);
        renameSync(`${file}.tmp`, file);
      });
      return writing;
    },
  };
}

export function createMemoryWatermarkStore(initial: Record<string, Watermark> = {}): WatermarkStore {
  const state = { ...initial };
  return {
    get: (feed) => state[feed],
    set: async (feed, watermark) => void (state[feed] = watermark),
  };
}
