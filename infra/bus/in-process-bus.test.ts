import { describe, expect, it } from 'vitest';
import { aReading } from '../../test/helpers/readings';
import { silentLogger } from '../../test/helpers/logger';
import type { SourceBatch } from '../../processing';
import { DependencyError } from '../../kernel/errors';
import { createInProcessBus } from './in-process-bus';

describe('in-process bus', () => {
  it('resolves publish only after the consumer handled the batch', async () => {
    const bus = createInProcessBus({ logger: silentLogger() });
    const seen: SourceBatch[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    void bus.source.run(async (batch) => {
      await gate;
      seen.push(batch);
    });
    let published = false;
    const p = bus.sink.publish([aReading(), aReading({ station: '1142A' })]).then(() => (published = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(published).toBe(false);
    release();
    await p;
    expect(published).toBe(true);
    // one message holds both stations' readings
    expect(
      seen.flatMap((b) =>
        b.messages.map((m) => (JSON.parse(m.value) as { columns: { station: string[] } }).columns.station),
      ),
    ).toEqual([['1141A', '1142A']]);
    await bus.source.stop();
  });

  it('retries the same batch after a retriable failure', async () => {
    const bus = createInProcessBus({ logger: silentLogger(), retryBaseMs: 1 });
    let calls = 0;
    const offsets: string[][] = [];
    void bus.source.run(async (batch) => {
      offsets.push(batch.messages.map((m) => m.offset));
      if (++calls < 3) throw new DependencyError('STORE_UNAVAILABLE', 'clickhouse', 'down', true);
    });
    await bus.sink.publish([aReading()]);
    expect(calls).toBe(3);
    expect(offsets).toEqual([['0'], ['0'], ['0']]);
    await bus.source.stop();
  });

  it('rejects the publishers of a batch that fails for good, then goes on', async () => {
    const bus = createInProcessBus({ logger: silentLogger() });
    let first = true;
    void bus.source.run(async () => {
      if (first) {
        first = false;
        throw new Error('bug');
      }
    });
    await expect(bus.sink.publish([aReading()])).rejects.toThrow('bug');
    await expect(bus.sink.publish([aReading()])).resolves.toBeUndefined();
    await bus.source.stop();
  });

  it('fails pending publishes when the consumer stops', async () => {
    const bus = createInProcessBus({ logger: silentLogger() });
    const p = bus.sink.publish([aReading()]);
    await bus.source.stop();
    await expect(p).rejects.toThrow(/processor stopped/);
  });
});
