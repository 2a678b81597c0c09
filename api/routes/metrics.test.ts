import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { CentreSummary } from '../../schemas/api/scorecard';
import { installDeliveryMetrics } from './metrics.routes';

const summary = (centre: CentreSummary['centre'], capture: number | null): CentreSummary => ({
  centre,
  from: '',
  to: '',
  stations: 10,
  capture,
  p50Minutes: 25,
  p90Minutes: 70,
  withinHourShare: 0.8,
  corrected: 1,
  auditedShare: 0,
  rejects: 3,
});

describe('delivery figures in /metrics', () => {
  it('exports each centre’s headline figures as gauges, computing them at most every five minutes', async () => {
    const registry = new Registry();
    let calls = 0;
    let now = 0;
    installDeliveryMetrics(
      registry,
      async () => (calls++, [summary('shanghai', 0.95), summary('anhui', null)]),
      () => now,
    );
    const text = await registry.metrics();
    expect(text).toContain('yrdair_centre_capture_ratio{centre="shanghai"} 0.95');
    expect(text).not.toContain('yrdair_centre_capture_ratio{centre="anhui"}'); // no figure, no sample
    expect(text).toContain('yrdair_centre_delay_p90_minutes{centre="anhui"} 70');
    expect(text).toContain('yrdair_centre_rejects{centre="shanghai"} 3');
    await registry.metrics();
    expect(calls).toBe(1);
    now = 301_000;
    await registry.metrics();
    expect(calls).toBe(2);
  });
});
