import type { Admin } from 'kafkajs';
import { DAY_MS } from '../../kernel';

/** Every topic yrd-air uses, with its partition count, in one place. */
export interface TopicSpec {
  name: string;
  partitions: number;
  /** Kept as the broker default (-1) on a single node; 3 on a cluster. */
  replicationFactor: number;
  config?: Record<string, string>;
}

export interface Topics {
  raw: TopicSpec;
  deadLetter: TopicSpec;
}

/** Raw readings are routed by station code; 6 partitions let up to 6 processors share the work. */
export const RAW_PARTITIONS = 6;

export function topicsFor(prefix: string, opts: { partitions?: number; replicationFactor?: number } = {}): Topics {
  const replicationFactor = opts.replicationFactor ?? -1;
  return {
    raw: {
      name: `${prefix}.readings.raw`,
      partitions: opts.partitions ?? RAW_PARTITIONS,
      replicationFactor,
      config: { 'retention.ms': String(14 * DAY_MS) },
    },
    deadLetter: {
      name: `${prefix}.readings.dead-letter`,
      partitions: 1,
      replicationFactor,
      config: { 'retention.ms': '-1' },
    },
  };
}

/** Creates missing topics; existing ones are left as they are. */
export async function ensureTopics(admin: Admin, topics: Topics): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = (Object.values(topics) as TopicSpec[]).filter((t) => !existing.has(t.name));
  if (missing.length === 0) return;
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((t) => ({
      topic: t.name,
      numPartitions: t.partitions,
      replicationFactor: t.replicationFactor,
      configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
    })),
  });
}
