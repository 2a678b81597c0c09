import { Presets, SingleBar } from 'cli-progress';

export interface ProgressBar {
  update(done: number, fields: Record<string, string | number>): void;
  stop(): void;
}

/**
 * A progress bar on stderr (cli-progress); silent when stderr is not a terminal, so CI logs and
 * pipes stay clean.
 */
export function createProgressBar(total: number, format: string): ProgressBar {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({ format, hideCursor: true, etaBuffer: 50 }, Presets.shades_classic);
  bar.start(total, 0);
  return { update: (done, fields) => bar.update(done, fields), stop: () => bar.stop() };
}
