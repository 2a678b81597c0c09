import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectStore } from '../../infra/clickhouse/client';
import { loadConfig } from '../../infra/config/load-config';
import { createKafka } from '../../infra/kafka/kafka-client';
import { createKafkaReadingSink } from '../../infra/kafka/reading-sink.kafka';
import { ensureTopics, topicsFor } from '../../infra/kafka/topics';
import { runCli } from '../helpers/cli';
import { countRows, currentReadings } from '../helpers/current';
import { silentLogger } from '../helpers/logger';
import { sharedData } from '../helpers/shared-data';
import { hourlyReadings } from '../helpers/readings';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'yrd-air-e2e-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true, maxRetries: 5 })));

const DB = 'yrd_air_test';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** A feeds file with no feeds: `start` then pulls nothing (no demo simulator), so counts are exact. */
const NO_FEEDS = join(mkdtempSync(join(tmpdir(), 'yrd-air-feeds-')), 'feeds.json');
writeFileSync(NO_FEEDS, '{ "feeds": [] }');
const NATIONAL_LIST = sharedData('station_lists/national_2022_gb18030.csv');

async function getStatus(url: string): Promise<number> {
  return (await fetch(url)).status;
}

describe('yrd-air CLI', () => {
  it('PORT=abc stops start-up with one line naming PORT and a non-zero exit', async () => {
    const run = runCli(['start'], { PORT: 'abc', DATA_DIR: tempDir() });
    const { code } = await run.exited;
    expect(code).not.toBe(0);
    expect(run.stderr().trim().split('\n')).toEqual([
      'yrd-air: invalid configuration: PORT: expected an integer from 0 to 65535',
    ]);
  });

  it('issues a key as the last line, stores only its hash, and revokes it', async () => {
    const dataDir = tempDir();
    const issue = runCli(['keys', 'issue', 'zhejiang'], { DATA_DIR: dataDir });
    expect((await issue.exited).code).toBe(0);
    const key = issue.stdout().trim().split('\n').at(-1) ?? '';
    expect(key).toMatch(/^yrd_zhejiang_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    const stored = readFileSync(join(dataDir, 'centre-keys.json'), 'utf8');
    // The secret is the last 43 characters (base64url, which may itself hold '_').
    expect(stored).not.toContain(key.slice(-43));
    expect(stored).toContain(createHash('sha256').update(key).digest('hex'));
    const revoke = runCli(['keys', 'revoke', 'zhejiang'], { DATA_DIR: dataDir });
    expect((await revoke.exited).code).toBe(0);
    expect(revoke.stdout()).toBe('revoked 1 key(s) of zhejiang\n');
    const bad = runCli(['keys', 'issue', 'hubei'], { DATA_DIR: dataDir });
    expect((await bad.exited).code).not.toBe(0);
    expect(bad.stderr()).toContain('expected one of shanghai, jiangsu, zhejiang, anhui, coordinator');
  });

  it('a failing command prints one line, its code and message, exits non-zero, and leaves the store alone', async () => {
    const dataDir = tempDir();
    const missing = join(dataDir, 'missing.csv');
    const cases: [string[], string][] = [
      [['backfill', missing], `yrd-air: CLI_ARGUMENT_INVALID: backfill: ${missing}: no such file`],
      [['stations', 'import', missing], `yrd-air: CLI_ARGUMENT_INVALID: stations import: ${missing}: no such file`],
      [['backfill', dataDir], `yrd-air: CLI_ARGUMENT_INVALID: backfill: ${dataDir} is not a file`],
      [
        ['prune'],
        'yrd-air: CLI_ARGUMENT_INVALID: prune: give --days <n> (a whole number of days, at least 1) or set REVISION_RETENTION_DAYS',
      ],
      [
        ['simulate', '--archive', dataDir],
        'yrd-air: CLI_ARGUMENT_INVALID: --archive needs --from and --to as YYYY-MM-DD',
      ],
      [['no-such-command'], "yrd-air: CLI_ARGUMENT_INVALID: unknown command 'no-such-command' (see --help)"],
    ];
    for (const [args, line] of cases) {
      const run = runCli(args, { DATA_DIR: dataDir, CLICKHOUSE_DATABASE: DB });
      expect((await run.exited).code, args.join(' ')).toBe(1);
      expect(run.stderr(), args.join(' ')).toBe(`${line}\n`);
    }
    // The missing file was reported before the store was opened: no engine folder, no registry, no state.
    expect(readdirSync(dataDir)).toEqual([]);
    // The stack only when asked for.
    const debug = runCli(['backfill', missing], { DATA_DIR: dataDir, LOG_LEVEL: 'debug' });
    expect((await debug.exited).code).toBe(1);
    const [first, ...rest] = debug.stderr().trim().split('\n');
    expect(first).toBe(`yrd-air: CLI_ARGUMENT_INVALID: backfill: ${missing}: no such file`);
    expect(rest.some((l) => /^\s+at /.test(l))).toBe(true);
  });

  it('reads an empty CENTRE_KEYS_FILE as no keys yet, and names the variable when the file is not a keys file', async () => {
    const dataDir = tempDir();
    const keysFile = join(dataDir, 'keys.json');
    writeFileSync(keysFile, '');
    const revoke = runCli(['keys', 'revoke', 'anhui'], { DATA_DIR: dataDir, CENTRE_KEYS_FILE: keysFile });
    expect((await revoke.exited).code).toBe(0);
    expect(revoke.stdout()).toBe('revoked 0 key(s) of anhui\n');
    const issue = runCli(['keys', 'issue', 'anhui'], { DATA_DIR: dataDir, CENTRE_KEYS_FILE: keysFile });
    expect((await issue.exited).code).toBe(0);
    const key = issue.stdout().trim().split('\n').at(-1) ?? '';
    expect(readFileSync(keysFile, 'utf8')).toContain(createHash('sha256').update(key).digest('hex'));
    writeFileSync(keysFile, '{ "keys": [');
    const bad = runCli(['keys', 'issue', 'anhui'], { DATA_DIR: dataDir, CENTRE_KEYS_FILE: keysFile });
    expect((await bad.exited).code).toBe(78);
    expect(bad.stderr()).toMatch(
      /^yrd-air: invalid configuration: CENTRE_KEYS_FILE: .*keys\.json is not JSON \(.*\)\n$/,
    );
  });

  it('imports a station list version from the national GB18030 list', async () => {
    const dataDir = tempDir();
    const run = runCli(
      ['stations', 'import', NATIONAL_LIST, '--version', 'national-2022', '--valid-from', '2022-01-01'],
      {
        DATA_DIR: dataDir,
        CLICKHOUSE_DATABASE: DB,
      },
    );
    expect((await run.exited).code).toBe(0);
    // 20 + 139 + 76 + 95 = 330 stations of the four provinces in the national list's 2,026.
    expect(run.stdout()).toContain(
      'imported 330 stations as version national-2022, valid from 2022-01-01 (1696 stations outside the four provinces left out)',
    );
    expect(readdirSync(join(dataDir, 'stations')).sort()).toEqual(['national-2022.json', 'yrd-2022.json']);
  });

  it('start answers /healthz on the embedded defaults; a second process on the folder is told what to do', async () => {
    const dataDir = tempDir();
    const run = runCli(['start'], { PORT: '0', DATA_DIR: dataDir, CLICKHOUSE_DATABASE: DB });
    try {
      const [, url] = await run.waitForLine(/API at (http:\/\/\S+)/);
      expect(await getStatus(`${url}/healthz`)).toBe(200);
      expect(await getStatus(`${url}/readyz`)).toBe(200);

      // Only the friendly line: not the engine's own `DB::Exception`, which it prints to stderr when refused.
      const migrate = runCli(['migrate'], { DATA_DIR: dataDir, CLICKHOUSE_DATABASE: DB });
      expect((await migrate.exited).code).toBe(1);
      expect(migrate.stderr().split('\n')).toEqual([
        expect.stringMatching(/^yrd-air: STORE_LOCKED: the embedded store in .* is held by another yrd-air process/),
        '',
      ]);
      expect(migrate.stderr()).not.toContain('DB::Exception');
      // A second server: on the same folder, the same one line; on the same port, the port named.
      const second = runCli(['start'], { PORT: '0', DATA_DIR: dataDir, CLICKHOUSE_DATABASE: DB, FEEDS_FILE: NO_FEEDS });
      expect((await second.exited).code).toBe(1);
      expect(second.stderr()).toMatch(
        /^yrd-air: STORE_LOCKED: the embedded store in .* is held by another yrd-air process[^\n]*\n$/,
      );
      const port = new URL(url as string).port;
      const samePort = runCli(['start'], {
        PORT: port,
        DATA_DIR: tempDir(),
        CLICKHOUSE_DATABASE: DB,
        FEEDS_FILE: NO_FEEDS,
      });
      expect((await samePort.exited).code).toBe(78);
      expect(samePort.stderr()).toBe(
        `yrd-air: invalid configuration: PORT: 0.0.0.0:${port} is already in use by another process\n`,
      );
      const backfill = runCli(['backfill', NO_FEEDS], { DATA_DIR: dataDir, CLICKHOUSE_DATABASE: DB });
      expect((await backfill.exited).code).toBe(1);
      expect(backfill.stderr().split('\n')).toEqual([
        expect.stringMatching(/^yrd-air: STORE_LOCKED: .* push each file to it instead: curl -X POST/),
        '',
      ]);
    } finally {
      run.proc.kill('SIGTERM');
    }
    expect((await run.exited).code).toBe(0);
  });

  it('the one-file build (npm run build, as the image runs it) starts from any folder and finds the files shipped beside the code', async () => {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    const dataDir = tempDir();
    const proc = spawn(process.execPath, [join(ROOT, 'dist', 'yrd-air.mjs'), 'start'], {
      cwd: tmpdir(),
      env: {
        // eslint-disable-next-line no-restricted-syntax -- the child needs PATH and HOME to find node
        ...childPath(process.env),
        LOG_LEVEL: 'warn',
        PORT: '0',
        DATA_DIR: dataDir,
        CLICKHOUSE_DATABASE: DB,
        FEEDS_FILE: NO_FEEDS,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        proc.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /API at (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1] as string);
        });
        void exited.then((code) => reject(new Error(`exited ${code}`)));
      });
      // Migrations applied (readiness checks the store), the dashboard page and the bundled station list found.
      expect(await getStatus(`${url}/readyz`)).toBe(200);
      expect(await getStatus(`${url}/`)).toBe(200);
      const stations = (await (await fetch(`${url}/v1/stations`)).json()) as { stations: unknown[] };
      expect(stations.stations).toHaveLength(330);
    } finally {
      proc.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('keeps stored data when the process is killed and restarted (over a real broker)', async () => {
    const dataDir = tempDir();
    const prefix = `e2e-${randomUUID().slice(0, 8)}`;
    const brokers = inject('kafkaBrokers');
    const env = {
      PORT: '0',
      DATA_DIR: dataDir,
      CLICKHOUSE_DATABASE: DB,
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      FEEDS_FILE: NO_FEEDS,
    };

    const kafka = createKafka({ brokers, clientId: 'e2e' }, silentLogger());
    const topics = topicsFor(prefix);
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, topics);
    const sink = await createKafkaReadingSink(kafka, topics.raw.name);
    const readings = hourlyReadings({
      stations: ['1141A', '1151A', '1270A'],
      pollutants: ['pm25', 'o3'],
      startMs: Date.UTC(2025, 6, 1),
      hours: 24,
      valueOf: (_s, _p, h) => h,
    });
    await sink.publish(readings);
    await sink.close();

    const first = runCli(['start'], env);
    await first.waitForLine(/API at /);
    // Stored and committed: the group's committed offsets reach the end of every partition.
    const until = Date.now() + 60_000;
    for (;;) {
      const ends = await admin.fetchTopicOffsets(topics.raw.name);
      const [committed] = await admin.fetchOffsets({ groupId: `${prefix}.processing`, topics: [topics.raw.name] });
      const at = (p: number) => Math.max(0, Number(committed?.partitions.find((c) => c.partition === p)?.offset ?? -1));
      if (ends.every((e) => at(e.partition) === Number(e.offset))) break;
      if (Date.now() > until) throw new Error('the processor did not commit in time');
      await new Promise((r) => setTimeout(r, 250));
    }
    await admin.disconnect();
    first.proc.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const countAfterKill = async (): Promise<number> => {
      const store = await connectStore(loadConfig({ DATA_DIR: dataDir, CLICKHOUSE_DATABASE: DB }));
      try {
        expect(await currentReadings(store)).toHaveLength(readings.length);
        return await countRows(store, 'reading_revisions');
      } finally {
        await store.close();
      }
    };
    expect(await countAfterKill()).toBe(readings.length);

    // Restart on the same folder (embedded bus this time), then stop it cleanly: data still there.
    const second = runCli(['start'], { PORT: '0', DATA_DIR: dataDir, CLICKHOUSE_DATABASE: DB, FEEDS_FILE: NO_FEEDS });
    const [, url] = await second.waitForLine(/API at (http:\/\/\S+)/);
    expect(await getStatus(`${url}/healthz`)).toBe(200);
    second.proc.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    expect(await countAfterKill()).toBe(readings.length);
  });
});

function childPath(env: NodeJS.ProcessEnv): { PATH: string; HOME: string } {
  return { PATH: env.PATH ?? '', HOME: env.HOME ?? '/tmp' };
}
