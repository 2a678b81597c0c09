/**
 * The ingest side of the Kafka benchmark in its own process, as an ingest worker runs (tools/bench/run.ts
 * starts it): makes the bench's readings, says `ready`, and on `go` publishes them hour by hour
 * (a feed delivers an hour of every station at a time) through the Kafka sink, then says
 * `published <ms> <peak RSS MB>`.   node --import tsx tools/bench/publisher.ts <bootstrap,...> <topic> [--quick]
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createKafka, createKafkaReadingSink } from '../../infra';
import { createLogger } from '../../kernel';
import { benchReadings } from './readings';

const [bootstrap, topic] = process.argv.slice(2);
if (!bootstrap || !topic) throw new Error('usage: publisher.ts <bootstrap> <topic> [--quick]');
const { readings, stations } = benchReadings(process.argv.includes('--quick'));
const kafka = createKafka(
  { brokers: bootstrap.split(','), clientId: 'bench-publisher' },
  createLogger({ level: 'silent' }),
);
const sink = await createKafkaReadingSink(kafka, topic);
const perHour = stations.length * 6;
const lines = createInterface({ input: process.stdin });
console.log('ready');
for await (const line of lines) {
  if (line !== 'go') continue;
  const t0 = performance.now();
  for (let i = 0; i < readings.length; i += perHour) await sink.publish(readings.slice(i, i + perHour));
  const peakMb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN) / 1024;
  console.log(`published ${(performance.now() - t0).toFixed(0)} ${peakMb.toFixed(0)}`);
  break;
}
lines.close();
await sink.close();
