import { readJsonFile, writeJsonFile } from '../kernel';
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
    state = readJsonFile(file, {}) as Record<string, Watermark>;
  } catch (err) {
    throw new Error(`cannot read watermarks from ${file}: ${(err as Error).message}`);
  }
  let writing: Promise<void> = Promise.resolve();
  return {
    get: (feed) => state[feed],
    set(feed, watermark) {
      state = { ...state, [feed]: watermark };
      const snapshot = state;
      writing = writing.then(() => writeJsonFile(file, snapshot, { indent: 2 }));
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
