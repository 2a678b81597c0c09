import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { fromRoot } from '../../kernel';
import { runFactorJob, type FactorJob, type FactorJobResult } from './factors';

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs a factor job on a worker thread, one job at a time (each takes seconds of one core; the
 * other core keeps serving, ingesting and processing). The worker registers tsx itself
 * (factors-worker.mjs), as every entry of yrd-air runs through it; if it cannot start, the job
 * runs inline instead.
 */
export function runFactorJobOffThread(job: FactorJob, opts: FactorWorkerOptions = {}): Promise<FactorJobResult> {
  const next = queue.then(() => inWorker(job, opts));
  queue = next.catch(() => undefined);
  return next;
}

export interface FactorWorkerOptions {
  /**
   * A latch the worker waits on (`Atomics.wait` until its first element is not 0) before it
   * starts: a test holds the job running for as long as it needs, whatever the machine's speed.
   */
  gate?: Int32Array;
}

/** What the worker receives (factors-worker.ts). */
export interface FactorWorkerData {
  job: FactorJob;
  gate?: Int32Array;
}

function inWorker(job: FactorJob, opts: FactorWorkerOptions): Promise<FactorJobResult> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(pathToFileURL(fromRoot('views', 'apportionment', 'factors-worker.mjs')), {
        workerData: { job, gate: opts.gate } satisfies FactorWorkerData,
      });
    } catch {
      resolve(runFactorJob(job));
      return;
    }
    let settled = false;
    worker.once('message', (result: FactorJobResult) => {
      settled = true;
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', (err) => {
      if (!settled) reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`factor worker exited with code ${code} before answering`));
    });
  });
}
