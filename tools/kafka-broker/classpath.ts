// Resolves the Kafka broker classpath from Maven Central (pom.xml beside this file) via Maven;
// jars live in ~/.m2 and the resulting classpath string is cached per pom hash.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fromRoot } from '../../kernel';

const DEFAULT_POM = fromRoot('tools', 'kafka-broker', 'pom.xml');

export interface ClasspathOptions {
  pomPath?: string;
  cacheDir?: string;
}

/** Resolves (and downloads into ~/.m2 if needed) the broker classpath; cached per pom hash. */
export async function resolveKafkaClasspath(opts: ClasspathOptions = {}): Promise<string> {
  const pom = resolve(opts.pomPath ?? DEFAULT_POM);
  const cacheDir = opts.cacheDir ?? fromRoot('.cache', 'kafka');
  const hash = createHash('sha256').update(readFileSync(pom)).digest('hex').slice(0, 16);
  const cacheFile = join(cacheDir, `classpath-${hash}.txt`);
  // The cache is only valid while the jars are still in ~/.m2 (CI caches may drop them).
  if (existsSync(cacheFile)) {
    const cp = readFileSync(cacheFile, 'utf8').trim();
    if (cp && cp.split(':').every((jar) => existsSync(jar))) return cp;
  }
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${cacheFile}.${process.pid}.tmp`; // rename keeps concurrent callers from reading half a file
  const args = ['-B', '-q', '-Dstyle.color=never', '-f', pom, 'dependency:build-classpath', `-Dmdep.outputFile=${tmp}`];
  await new Promise<void>((done, fail) => {
    execFile('mvn', args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return done();
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        return fail(new Error('`mvn` not found on PATH: install Maven (3.8+) and Java 17+'));
      const lines = `${stdout}\n${stderr}`
        .replace(/\x1b\[[0-9;]*m/g, '')
        .split('\n')
        .filter((l) => l.trim() && l.trim() !== '[ERROR]');
      fail(
        new Error(
          `Resolving Kafka jars failed: mvn ${args.join(' ')} exited ${err.code}.\nLast Maven output:\n${lines.slice(-25).join('\n')}`,
        ),
      );
    });
  });
  renameSync(tmp, cacheFile);
  return readFileSync(cacheFile, 'utf8').trim();
}
