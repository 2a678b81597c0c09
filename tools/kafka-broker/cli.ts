// tsx tools/kafka-broker/cli.ts fetch              resolve (download) the broker jars only, for CI caches
// tsx tools/kafka-broker/cli.ts start [--brokers N] run a local cluster in the foreground until SIGINT/SIGTERM
import { resolveKafkaClasspath, startLocalKafka } from './local-broker';

const USAGE = 'usage: tsx tools/kafka-broker/cli.ts fetch | start [--brokers N] [--data-dir DIR]';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value\n${USAGE}`);
  return value;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === 'fetch') {
    const classpath = await resolveKafkaClasspath();
    console.log(`Kafka classpath ready: ${classpath.split(':').length} jars`);
    return;
  }
  if (command !== 'start') throw new Error(USAGE);

  const brokers = Number(flag(args, '--brokers') ?? 1);
  if (!Number.isInteger(brokers) || brokers < 1) throw new Error(`--brokers must be a positive integer\n${USAGE}`);
  const t0 = Date.now();
  const kafka = await startLocalKafka({ brokers, dataDir: flag(args, '--data-dir') });

  // Registering these before anything else also tells local-broker's own signal hook to stand
  // aside, so the JVMs get a clean SIGTERM shutdown instead of SIGKILL.
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: stopping Kafka...`);
    kafka.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  console.error(
    `Kafka (${brokers} node${brokers > 1 ? 's' : ''}) up in ${((Date.now() - t0) / 1000).toFixed(1)} s; logs: ${kafka.logFiles.join(', ')}`,
  );
  // Last line of startup, machine-readable: scripts wait for and eval it.
  console.log(`KAFKA_BROKERS=${kafka.bootstrap.join(',')}`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
