import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { issueKey } from '../../api/auth/centre-keys';
import { feedsFileFor, startSimulator, virtualClock } from '../../tools/simulator';
import type { Scorecard } from '../../schemas/api/scorecard';
import { runCli, type CliRun } from '../helpers/cli';

const HOUR = 3_600_000;
const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'yrd-air-restart-'));
  dirs.push(d);
  return d;
};
const running: CliRun[] = [];
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true, maxRetries: 5 });
}, 60_000);

/**
 * The pull scheduler restarted mid-page: `yrd-air ingest` is SIGKILLed three times
 * while it catches up 30 hours of the four feeds, and restarted on the same DATA_DIR (its
 * watermarks); `yrd-air start` stores through the real broker. Afterwards every station's count
 * of stored values equals what the simulator served (its publication log, not the pipeline's).
 */
describe('the pull scheduler killed mid-pull and restarted', () => {
  it('stores every served reading exactly once', async () => {
    const now = Math.floor(Date.now() / HOUR) * HOUR + 40 * 60_000;
    const sim = await startSimulator({
      clock: virtualClock(now),
      originMs: Math.floor(now / HOUR) * HOUR - 30 * HOUR,
      ports: { 'sh-json': 0, 'js-xml': 0, 'zj-csv': 0, 'ah-json': 0 },
    });
    try {
      const feeds = join(tmp(), 'feeds.json');
      writeFileSync(feeds, JSON.stringify(feedsFileFor(sim, { schedule: '* * * * *' })));
      const empty = join(tmp(), 'none.json');
      writeFileSync(empty, '{ "feeds": [] }');
      const common = {
        KAFKA_BROKERS: inject('kafkaBrokers').join(','),
        KAFKA_TOPIC_PREFIX: `restart-${randomUUID().slice(0, 8)}`,
        PORT: '0',
        CLICKHOUSE_DATABASE: 'yrd_air_test',
        KAFKA_SESSION_TIMEOUT_MS: '6000',
      };
      const storeDir = tmp();
      const key = issueKey(join(storeDir, 'centre-keys.json'), 'coordinator').key;
      const processing = runCli(['start'], { ...common, DATA_DIR: storeDir, FEEDS_FILE: empty });
      running.push(processing);
      const [, api] = await processing.waitForLine(/API at (http:\/\/\S+)/);

      const ingestDir = tmp();
      let kills = 0;
      for (let i = 0; i < 3; i++) {
        // Killed once this run's pulls are known to be under way: the simulator has answered
        // 1, 3 and 5 of its requests (staggered moments of the 30-hour catch-up), whatever the speed.
        const before = sim.requests();
        const ingest = runCli(['ingest'], { ...common, DATA_DIR: ingestDir, FEEDS_FILE: feeds });
        for (const until = Date.now() + 60_000; sim.requests() < before + 1 + 2 * i;) {
          if (Date.now() > until) throw new Error(`ingest made no pull within 60 s; stderr:\n${ingest.stderr()}`);
          await new Promise((r) => setTimeout(r, 5));
        }
        ingest.proc.kill('SIGKILL');
        expect((await ingest.exited).signal).toBe('SIGKILL');
        kills++;
      }
      const last = runCli(['ingest'], { ...common, DATA_DIR: ingestDir, FEEDS_FILE: feeds });
      running.push(last);
      await last.waitForLine(/health at (http:\/\/\S+)/);

      // What the simulator served, per station (values only).
      const served = new Map<string, number>();
      for (const s of sim.lastServed())
        if (s.value !== null && s.timeMs >= sim.originMs) served.set(s.station, (served.get(s.station) ?? 0) + 1);
      const range = `from=${encodeURIComponent(new Date(sim.originMs).toISOString())}&to=${encodeURIComponent(new Date(now + HOUR).toISOString())}`;
      const stored = new Map<string, number>();
      for (const until = Date.now() + 150_000; Date.now() < until; await new Promise((r) => setTimeout(r, 2000))) {
        stored.clear();
        for (const centre of ['shanghai', 'jiangsu', 'zhejiang', 'anhui']) {
          const card = (await (
            await fetch(`${api}/v1/centres/${centre}/scorecard?${range}`, {
              headers: { authorization: `Bearer ${key}` },
            })
          ).json()) as Scorecard;
          for (const st of card.perStation) if (st.received > 0) stored.set(st.station, st.received);
        }
        if ([...served].every(([s, n]) => stored.get(s) === n)) break;
      }
      console.info(
        `ingest killed ${kills} times mid-pull; ${[...served.values()].reduce((a, b) => a + b, 0)} served values of ${served.size} stations`,
      );
      expect(served.size).toBeGreaterThan(200);
      expect(Object.fromEntries(stored)).toEqual(Object.fromEntries(served));
    } finally {
      await sim.stop();
    }
  }, 300_000);
});
