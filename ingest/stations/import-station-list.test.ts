import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { importStationList } from './import-station-list';
import { BUNDLED_LIST_FILE } from './registry-files';

describe('importing a station list', () => {
  const dirs: string[] = [];
  afterEach(() => {
    vi.useRealTimers();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('without a date, takes effect from today in China Standard Time, not the UTC date', () => {
    // 23:30 UTC on 3 December is 07:30 on 4 December in CST.
    vi.useFakeTimers({ now: Date.parse('2026-12-03T23:30:00Z'), toFake: ['Date'] });
    const dir = mkdtempSync(join(tmpdir(), 'yrd-stations-'));
    dirs.push(dir);
    const result = importStationList(dir, fileURLToPath(BUNDLED_LIST_FILE), {});
    expect(result.version.validFrom).toBe('2026-12-04');
  });
});
