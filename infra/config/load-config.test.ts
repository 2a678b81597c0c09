import { describe, expect, it } from 'vitest';
import { AppError } from '../../kernel/errors';
import { loadConfig } from './load-config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('CONFIG_INVALID');
    return ((err as AppError).details as { problems: string[] }).problems;
  }
  throw new Error('expected loadConfig to refuse');
}

describe('loadConfig', () => {
  it('gives the contract defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c.dataDir).toBe('./data');
    expect(c.http.port).toBe(8080);
    expect(c.clickhouse.url).toBeUndefined();
    expect(c.clickhouse.database).toBe('yrd_air');
    expect(c.kafka.brokers).toBeUndefined();
    expect(c.logLevel).toBe('info');
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ PORT: '', KAFKA_BROKERS: '  ' }).http.port).toBe(8080);
  });

  it('names PORT in one line when it is not a number', () => {
    expect(problemsOf({ PORT: 'abc' })).toEqual(['PORT: expected an integer from 0 to 65535']);
  });

  it.each([['70000'], ['-1'], ['8.5']])('refuses PORT=%s', (port) => {
    expect(problemsOf({ PORT: port })[0]).toMatch(/^PORT: /);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({
      PORT: 'x',
      LOG_LEVEL: 'loud',
      KAFKA_BROKERS: 'nohostport',
      CLICKHOUSE_URL: 'ftp://x',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'CLICKHOUSE_URL',
      'KAFKA_BROKERS',
      'LOG_LEVEL',
      'PORT',
    ]);
  });

  it('parses a broker list', () => {
    expect(loadConfig({ KAFKA_BROKERS: 'a:9092, b.example:9093' }).kafka.brokers).toEqual(['a:9092', 'b.example:9093']);
  });

  it('never echoes a secret in its message', () => {
    const secret = 's3cr3t-p@ss';
    let message = '';
    try {
      loadConfig({ CLICKHOUSE_PASSWORD: secret, CLICKHOUSE_URL: `not a url ${secret}` });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('CLICKHOUSE_URL');
    expect(message).not.toContain(secret);
  });

  it('refuses ClickHouse credentials without a server URL', () => {
    expect(problemsOf({ CLICKHOUSE_USER: 'u' })).toEqual(['CLICKHOUSE_USER: only meaningful with CLICKHOUSE_URL set']);
  });

  it('refuses a database name that is not an identifier', () => {
    expect(problemsOf({ CLICKHOUSE_DATABASE: 'x; DROP TABLE y' })[0]).toMatch(/^CLICKHOUSE_DATABASE: /);
  });
});
