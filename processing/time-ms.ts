/**
 * Epoch milliseconds of an ISO instant, remembered: a batch holds thousands of readings of a few
 * dozen hours, and Date.parse was a visible share of the processor's time (bench/run.ts).
 */
const parsed = new Map<string, number>();

export function timeMs(iso: string): number {
  let ms = parsed.get(iso);
  if (ms === undefined) {
    if (parsed.size >= 50_000) parsed.clear();
    ms = Date.parse(iso);
    parsed.set(iso, ms);
  }
  return ms;
}
