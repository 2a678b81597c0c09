/**
 * `npm run bench`: yrd-air's speed next to the engine's own, each pair measured in this run.
 * Prints a Markdown table (paste it into BENCHMARKS.md with the commit).
 *   npm run bench                 # everything (about 5–10 minutes on 2 cores)
 *   npm run bench -- --quick      # smaller data, for a smoke run
 *   npm run bench -- --only=ingest,kafka   # some sections: ingest, kafka, backfill, views, years
 *   npm run bench -- --only=years --decade # one, two and ten simulated years backfilled (ten: hours)
 *   npm run bench -- --only=views --rows=/v1/aqi   # of the views, the rows whose measure names one of these
 * Not a test: nothing here asserts a time.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connectStore } from '../../infra';
import { fromRoot } from '../../kernel';
import { backfillBench } from './backfill';
import { HEADER, quick, rows, wanted } from './common';
import { ingestBench } from './ingest';
import { kafkaBench } from './kafka';
import { queryBench } from './views';
import { yearsBench } from './years';

/**
 * One section in this process: its rows go to stdout as `ROW <json>` lines for the parent. Each
 * section runs in a fresh process so its peak RSS is its own, not what earlier sections left.
 */
async function section(name: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'yrd-air-bench-'));
  mkdirSync(join(dir, 'store'));
  const store = await connectStore({
    dataDir: join(dir, 'store'),
    clickhouse: { url: undefined, username: 'default', password: '', database: 'bench_ingest' },
  });
  try {
    if (name === 'ingest') {
      const ingested = await ingestBench(store, dir);
      if (wanted('kafka')) await kafkaBench(store, dir, ingested.readings);
    } else if (name === 'backfill') await backfillBench(store, dir);
    else if (name === 'views') await queryBench(store);
    else if (name === 'years') await yearsBench(store, dir);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  for (const r of rows) console.log(`ROW ${JSON.stringify(r)}`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const own = process.argv.find((a) => a.startsWith('--section='))?.slice('--section='.length);
  if (own) return section(own);
  const took: string[] = [];
  for (const name of ['ingest', 'backfill', 'views', 'years']) {
    if (!(wanted(name) || (name === 'ingest' && wanted('kafka')))) continue;
    const t0 = Date.now();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fromRoot('tools', 'bench', 'run.ts'), `--section=${name}`, ...process.argv.slice(2)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line.startsWith('ROW ')) rows.push(JSON.parse(line.slice(4)) as string[]);
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`bench section ${name} failed (exit ${code})`);
    took.push(
      `${name === 'ingest' && wanted('kafka') ? 'ingest+kafka' : name} ${((Date.now() - t0) / 1000).toFixed(0)} s`,
    );
  }
  const lines = [
    `yrd-air bench ${quick ? '(quick) ' : ''}— ${new Date().toISOString()} — Node ${process.version}, ${cpus().length} cores — ${((Date.now() - started) / 1000).toFixed(0)} s (${took.join(', ')}) — each section in a process of its own`,
    '',
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
  console.log(lines.join('\n'));
}

await main();
