import { parentPort, workerData } from 'node:worker_threads';
import { runFactorJob } from './factors';
import type { FactorWorkerData } from './factors-runner';

/** Worker entry: one factor job in, its result out (the API's event loop stays free meanwhile). */
const { job, gate } = workerData as FactorWorkerData;
// Held by the caller's latch until released (tests); blocks this thread only.
if (gate) while (Atomics.load(gate, 0) === 0) Atomics.wait(gate, 0, 0);
parentPort?.postMessage(runFactorJob(job));
