import { boundedMemo } from './memo';

/**
 * Epoch milliseconds of an ISO instant, remembered: a batch holds thousands of readings of a few
 * dozen hours, and Date.parse was a visible share of the processor's time (bench/run.ts).
 */
export const timeMs = boundedMemo((iso: string): number => Date.parse(iso));
