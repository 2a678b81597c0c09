import { parentPort, workerData } from 'node:worker_threads';
import { runFactorJob, type FactorJob } from './factors';

/** Worker entry: one factor job in, its result out (the API's event loop stays free meanwhile). */
parentPort?.postMessage(runFactorJob(workerData as FactorJob));
