import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliRun {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first stdout line matching `re`, or rejects after `timeoutMs`. */
  waitForLine(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited (its files are closed). */
  stop(graceMs?: number): Promise<void>;
}

/** Runs `yrd-air <args>` as its own process with exactly the environment given (plus PATH, HOME). */
export function runCli(args: string[], env: Record<string, string>): CliRun {
  // One process (tsx as a loader, not its CLI wrapper), so a signal reaches the process that holds the store.
  const proc = spawn(process.execPath, ['--import', 'tsx', 'app/cli.ts', ...args], {
    cwd: ROOT,
    // A first start's simulated history is off unless a test asks for it (HISTORY_ON_FIRST_START).
    env: {
      // eslint-disable-next-line no-restricted-syntax -- the child needs PATH and HOME to find node
      PATH: process.env.PATH ?? '',
      // eslint-disable-next-line no-restricted-syntax -- the child needs PATH and HOME to find node
      HOME: process.env.HOME ?? '/tmp',
      LOG_LEVEL: 'warn',
      HISTORY_ON_FIRST_START: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop(graceMs = 15_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    waitForLine(re, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${re} within ${timeoutMs} ms; stderr:\n${err}`)),
          timeoutMs,
        );
        const check = (): void => {
          const m = out.match(re);
          if (m) {
            clearTimeout(timer);
            resolve(m);
          }
        };
        proc.stdout?.on('data', check);
        void exited.then(({ code }) => {
          clearTimeout(timer);
          reject(new Error(`exited with ${code} before printing ${re}; stderr:\n${err}`));
        });
        check();
      });
    },
  };
}
