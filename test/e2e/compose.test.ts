import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const hasCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;

/**
 * The compose file is checked without a Docker engine by Debian's docker-compose, which
 * validates it against the Compose schema (`.ci/run` installs it). Where it is not installed the
 * test says so instead of passing silently.
 */
describe.skipIf(!hasCompose)(
  'docker-compose.yml (skipped: docker-compose is not installed; `apt-get install docker-compose`)',
  () => {
    it('is a valid Compose file with the distributed shape', () => {
      const out = execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '--services'], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      // (Debian's docker-compose 1.x lists profiled services too.)
      expect(out.trim().split('\n').sort()).toEqual(
        expect.arrayContaining(['api', 'clickhouse', 'ingest', 'kafka', 'migrate', 'process']),
      );
      // With the optional profile, Grafana too.
      const all = execFileSync(
        'docker-compose',
        ['-f', 'docker-compose.yml', '--profile', 'grafana', 'config', '--services'],
        { cwd: ROOT, encoding: 'utf8' },
      );
      expect(all.trim().split('\n')).toContain('grafana');
    });
  },
);

describe('deployment files', () => {
  it('the image copies every module the CLI imports, and the Grafana dashboard is valid JSON with its data source', () => {
    const docker = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    // The CLI is app/; every room the composition root imports must be in the image.
    const appFiles = readdirSync(join(ROOT, 'app')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const rooms = new Set(
      appFiles.flatMap((f) =>
        [...readFileSync(join(ROOT, 'app', f), 'utf8').matchAll(/from '\.\.\/([\w-]+)/g)].map((m) => m[1] as string),
      ),
    );
    expect(rooms.size).toBeGreaterThan(3);
    for (const room of ['app', ...rooms]) expect(docker, room).toContain(`COPY ${room} ./${room}`);
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/dashboards/yrd-air.json'), 'utf8')) as {
      panels: { datasource: { uid: string } }[];
    };
    expect(dashboard.panels.length).toBeGreaterThan(0);
    expect(readFileSync(join(ROOT, 'deploy/grafana/provisioning/datasources/clickhouse.yaml'), 'utf8')).toContain(
      `uid: ${dashboard.panels[0]?.datasource.uid}`,
    );
    expect(existsSync(join(ROOT, 'deploy/feeds.example.json'))).toBe(true);
  });
});
