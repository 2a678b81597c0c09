import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config';

const dir = mkdtempSync(join(tmpdir(), 'yrd-air-feeds-'));
const file = (name: string, content: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const feed = { name: 'sh', format: 'sh-json', baseUrl: 'http://127.0.0.1:8091', province: 'shanghai' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    return (err as { details: { problems: string[] } }).details.problems;
  }
  return [];
}

describe('FEEDS_FILE', () => {
  it('applies the defaults of a feed', () => {
    const config = loadConfig({ FEEDS_FILE: file('ok.json', { feeds: [feed] }) });
    expect(config.feeds?.[0]).toMatchObject({
      schedule: '*/5 * * * *',
      lookbackHours: 48,
      timeoutMs: 15_000,
      retries: 3,
      credentials: { type: 'none' },
      enabled: true,
    });
  });

  it('names the path of each bad field', () => {
    const path = file('bad.json', {
      feeds: [feed, { ...feed, name: 'js', format: 'js-csv', baseUrl: 'ftp://x', province: 'hubei' }],
    });
    expect(problems({ FEEDS_FILE: path }).sort()).toEqual([
      `FEEDS_FILE ${path}: feeds.1.baseUrl: expected an http(s) URL`,
      `FEEDS_FILE ${path}: feeds.1.format: Invalid option: expected one of "sh-json"|"js-xml"|"zj-csv"|"ah-json"`,
      `FEEDS_FILE ${path}: feeds.1.province: Invalid option: expected one of "shanghai"|"jiangsu"|"zhejiang"|"anhui"`,
    ]);
  });

  it('refuses duplicate names, a bad schedule, a missing file and bad JSON', () => {
    const dup = file('dup.json', { feeds: [feed, feed] });
    expect(problems({ FEEDS_FILE: dup })).toEqual([`FEEDS_FILE ${dup}: feeds.1.name: duplicate feed name sh`]);
    const cron = file('cron.json', { feeds: [{ ...feed, schedule: '99 * * * *' }] });
    expect(problems({ FEEDS_FILE: cron })).toEqual([
      `FEEDS_FILE ${cron}: feeds.0.schedule: not a valid cron expression`,
    ]);
    expect(problems({ FEEDS_FILE: join(dir, 'none.json') })).toEqual([
      `FEEDS_FILE ${join(dir, 'none.json')}: no such file`,
    ]);
    expect(problems({ FEEDS_FILE: file('junk.json', '{ feeds: ') })[0]).toMatch(/not valid JSON/);
  });

  it('reads a secret from the environment, and never prints it', () => {
    const path = file('env.json', { feeds: [{ ...feed, credentials: { type: 'api-key', key: { env: 'SH_KEY' } } }] });
    const config = loadConfig({ FEEDS_FILE: path, SH_KEY: 'k-123' });
    expect(config.feeds?.[0]?.credentials).toEqual({ type: 'api-key', header: 'X-Api-Key', key: 'k-123' });
    expect(problems({ FEEDS_FILE: path })).toEqual([
      `FEEDS_FILE ${path}: feeds.0.credentials.key: environment variable SH_KEY is not set`,
    ]);
  });
});
