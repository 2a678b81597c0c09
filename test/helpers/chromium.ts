import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/**
 * Headless Chromium for the browser test: Debian's package (no browser download from
 * elsewhere). Found at CHROMIUM_PATH or the usual paths; where missing and this is a Debian
 * machine run as root, installed with apt-get (with a CJK font, so the Chinese page renders), as
 * the Kafka jars come through Maven. Otherwise a clear error says what to install.
 */
export function chromiumPath(env: NodeJS.ProcessEnv): string {
  const given = env.CHROMIUM_PATH;
  if (given) {
    if (!existsSync(given)) throw new Error(`CHROMIUM_PATH=${given} does not exist`);
    return given;
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && existsSync('/usr/bin/apt-get')) {
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-wqy-microhei'], {
      stdio: 'ignore',
      env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    const installed = CANDIDATES.find((p) => existsSync(p));
    if (installed) return installed;
  }
  throw new Error(
    'no Chromium for the browser test: install Debian’s `chromium` package (apt-get install chromium fonts-wqy-microhei) or set CHROMIUM_PATH',
  );
}
