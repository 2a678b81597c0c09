// A real Apache Kafka (KRaft) cluster as local JVM child processes, for tests and
// development on machines without Docker. Jars come from Maven Central via pom.xml.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, writeFileSync, rmSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { resolveKafkaClasspath } from './classpath';

export { resolveKafkaClasspath, type ClasspathOptions } from './classpath';

const HOST = '127.0.0.1';

export interface LocalKafkaOptions {
  /** 1 = single combined broker+controller; 3 = three-node KRaft quorum (RF 3, min ISR 2). */
  brokers?: number;
  /** Root for per-node data and config; a temp dir (removed on stop) when omitted. */
  dataDir?: string;
  /** Where node-N/server.log goes; defaults to each node's dir under dataDir. */
  logDir?: string;
  /** Max heap per node JVM. */
  heap?: string;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  /** Extra server.properties entries applied to every node. */
  properties?: Record<string, string | number | boolean>;
  /** Extra JVM flags for the broker processes. */
  jvmArgs?: string[];
  /** Skip Maven (e.g. a classpath resolved earlier). */
  classpath?: string;
}

export interface LocalKafka {
  /** host:port of every node, in node order. */
  bootstrap: string[];
  /** server.log of every node, for debugging failed tests. */
  logFiles: string[];
  /** Stops every node (SIGTERM, SIGKILL after stopTimeoutMs) and removes a temp dataDir. */
  stop(): Promise<void>;
  /** Stops node i (0-based; Kafka node.id is i + 1), keeping its data. */
  stopBroker(i: number): Promise<void>;
  /** Restarts a stopped node i and resolves once it is registered with the controller again. */
  startBroker(i: number): Promise<void>;
}

interface Node {
  id: number;
  dir: string;
  logDir: string;
  port: number;
  controllerPort: number;
  proc?: ChildProcess | undefined;
  startError?: Error | undefined;
}

const STORAGE_TOOL = 'kafka.tools.StorageTool';
const BROKER_MAIN = 'kafka.Kafka';
const live = new Set<ChildProcess>();
const tempRoots = new Set<string>();
let exitHookInstalled = false;

/**
 * Never leave orphan JVMs behind if the caller forgets stop() or the parent dies: kill them on
 * 'exit', and on a termination signal that nobody else handles (Node would otherwise exit
 * without running 'exit' handlers). Only SIGKILL of the parent itself can still orphan them.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = (): void => {
    for (const p of live) p.kill('SIGKILL');
    for (const dir of tempRoots) rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      if (process.listenerCount(sig) > 1) return; // someone else (e.g. cli.ts) stops us cleanly
      killAll();
      process.off(sig, onSignal);
      process.kill(process.pid, sig); // re-raise for the default exit behaviour and exit code
    };
    process.on(sig, onSignal);
  }
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? done(addr.port) : fail(new Error('no port'))));
    });
  });
}

/** Last log lines, minus the tab-indented config dump that would otherwise fill the tail. */
function tail(file: string, lines = 40): string {
  if (!existsSync(file)) return `(no ${file})`;
  return readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .filter((l) => !l.startsWith('\t'))
    .slice(-lines)
    .join('\n');
}

function serverProperties(node: Node, nodes: Node[], extra: LocalKafkaOptions['properties']): string {
  const rf = Math.min(nodes.length, 3);
  const minIsr = rf >= 3 ? 2 : 1;
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': node.id,
    // Static voters: every node knows the quorum up front, so `format` needs no --standalone.
    'controller.quorum.voters': nodes.map((n) => `${n.id}@${HOST}:${n.controllerPort}`).join(','),
    listeners: `PLAINTEXT://${HOST}:${node.port},CONTROLLER://${HOST}:${node.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${HOST}:${node.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': join(node.dir, 'data'),
    'default.replication.factor': rf,
    'min.insync.replicas': minIsr,
    'offsets.topic.replication.factor': rf,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': minIsr,
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': minIsr,
    // Fast dev loop: no join delay, and a small __consumer_offsets (50 partitions by default
    // take seconds to create on 2 cores when the first group appears).
    'group.initial.rebalance.delay.ms': 0,
    'offsets.topic.num.partitions': 5,
    'transaction.state.log.num.partitions': 5,
    ...extra,
  };
  return (
    Object.entries(props)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n'
  );
}

function log4jConfig(logFile: string): string {
  return (
    [
      'status = warn',
      // Kafka logs from its own shutdown hook; log4j's hook would stop the appender first.
      'shutdownHook = disable',
      'appender.file.type = File',
      'appender.file.name = file',
      `appender.file.fileName = ${logFile}`,
      'appender.file.layout.type = PatternLayout',
      'appender.file.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = INFO',
      'rootLogger.appenderRef.file.ref = file',
      // Per-request and partition state chatter would dwarf the useful lines.
      'logger.state.name = state.change.logger',
      'logger.state.level = WARN',
      'logger.request.name = kafka.request.logger',
      'logger.request.level = WARN',
    ].join('\n') + '\n'
  );
}

function javaArgs(classpath: string, node: Node, heap: string, extra: string[] = []): string[] {
  // Serial GC: heaps are tiny and G1's background threads only compete for our 2 cores.
  const gc = extra.some((a) => /^-XX:\+Use\w+GC$/.test(a)) ? [] : ['-XX:+UseSerialGC'];
  return [
    `-Xmx${heap}`,
    '-Xms64m',
    ...gc,
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(node.dir, 'log4j2.properties')}`,
    ...extra,
    '-cp',
    classpath,
  ];
}

async function runJava(args: string[], outFile: string): Promise<void> {
  const fd = openSync(outFile, 'a');
  try {
    const code = await new Promise<number | null>((done, fail) => {
      const p = spawn('java', args, { stdio: ['ignore', fd, fd] });
      p.once('error', fail);
      p.once('exit', (c) => done(c));
    });
    if (code !== 0) throw new Error(`java ${args.slice(-6).join(' ')} exited ${code}:\n${tail(outFile)}`);
  } finally {
    closeSync(fd);
  }
}

/** Starts a KRaft cluster of combined broker+controller nodes on free 127.0.0.1 ports. */
export async function startLocalKafka(opts: LocalKafkaOptions = {}): Promise<LocalKafka> {
  const count = opts.brokers ?? 1;
  const heap = opts.heap ?? '512m';
  const startTimeoutMs = opts.startTimeoutMs ?? 120_000;
  const stopTimeoutMs = opts.stopTimeoutMs ?? 20_000;
  const classpath = opts.classpath ?? (await resolveKafkaClasspath());
  const ownsRoot = !opts.dataDir;
  const root = opts.dataDir ? resolve(opts.dataDir) : mkdtempSync(join(tmpdir(), 'local-kafka-'));
  if (ownsRoot) tempRoots.add(root);
  installExitHook();

  const nodes: Node[] = [];
  for (let i = 0; i < count; i++) {
    const dir = join(root, `node-${i}`);
    const logDir = opts.logDir ? join(resolve(opts.logDir), `node-${i}`) : dir;
    mkdirSync(dir, { recursive: true });
    mkdirSync(logDir, { recursive: true });
    nodes.push({ id: i + 1, dir, logDir, port: await freePort(), controllerPort: await freePort() });
  }
  const node = (i: number): Node => {
    const n = nodes[i];
    if (!n) throw new Error(`no broker ${i}: indexes are 0..${nodes.length - 1}`);
    return n;
  };
  const bootstrap = nodes.map((n) => `${HOST}:${n.port}`);

  const startBroker = async (i: number, wait = true): Promise<void> => {
    const n = node(i);
    if (n.proc) return;
    const fd = openSync(stdoutLog(n), 'a');
    const proc = spawn(
      'java',
      [...javaArgs(classpath, n, heap, opts.jvmArgs), BROKER_MAIN, join(n.dir, 'server.properties')],
      { stdio: ['ignore', fd, fd] },
    );
    closeSync(fd);
    n.proc = proc;
    n.startError = undefined;
    live.add(proc);
    const gone = (): void => {
      live.delete(proc);
      if (n.proc === proc) n.proc = undefined;
    };
    proc.once('error', (err) => {
      n.startError = err;
      gone();
    }); // e.g. no `java` on PATH
    proc.once('exit', gone);
    if (wait) await waitUntilReady(bootstrap, nodes, [n], false, startTimeoutMs);
  };
  const stopBroker = async (i: number): Promise<void> => {
    const proc = node(i).proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((done) => proc.once('exit', () => done()));
    proc.kill('SIGTERM'); // Kafka's shutdown hook does a controlled shutdown and flushes logs
    const timer = setTimeout(() => proc.kill('SIGKILL'), stopTimeoutMs);
    await exited;
    clearTimeout(timer);
  };
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((_, i) => stopBroker(i)));
    if (ownsRoot) rmSync(root, { recursive: true, force: true });
    tempRoots.delete(root);
  };

  try {
    // Kafka cluster ids are base64url UUIDs; a leading '-' would be parsed as a CLI flag.
    let clusterId = '';
    do clusterId = randomBytes(16).toString('base64url');
    while (clusterId.startsWith('-'));
    await Promise.all(
      nodes.map(async (n) => {
        writeFileSync(join(n.dir, 'server.properties'), serverProperties(n, nodes, opts.properties));
        writeFileSync(join(n.dir, 'log4j2.properties'), log4jConfig(serverLog(n)));
        if (existsSync(join(n.dir, 'data', 'meta.properties'))) return; // reuse an already formatted dataDir
        await runJava(
          [
            ...javaArgs(classpath, n, '256m'),
            STORAGE_TOOL,
            'format',
            '-t',
            clusterId,
            '-c',
            join(n.dir, 'server.properties'),
          ],
          stdoutLog(n),
        );
      }),
    );
    await Promise.all(nodes.map((_, i) => startBroker(i, false)));
    await waitUntilReady(bootstrap, nodes, nodes, true, startTimeoutMs);
  } catch (err) {
    await stop();
    throw err;
  }
  return { bootstrap, logFiles: nodes.map(serverLog), stop, stopBroker, startBroker: (i) => startBroker(i) };
}

const serverLog = (n: Node): string => join(n.logDir, 'server.log');
const stdoutLog = (n: Node): string => join(n.logDir, 'stdout.log');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls until every node in `want` is a registered broker in the cluster metadata. With `warm`,
 * also waits for the group coordinator (creating __consumer_offsets) and for producer-id
 * allocation, which keeps "coordinator is loading" retries out of every test's output.
 */
async function waitUntilReady(
  bootstrap: string[],
  nodes: Node[],
  want: Node[],
  warm: boolean,
  timeoutMs: number,
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'local-kafka-probe',
    brokers: bootstrap,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 2000,
  });
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const dead = want.find((n) => !n.proc);
    if (dead) {
      const why = dead.startError ? ` (${dead.startError.message})` : '';
      throw new Error(
        `Kafka node ${dead.id} exited during startup${why}. Tail of ${serverLog(dead)}:\n${tail(serverLog(dead))}\n${tail(stdoutLog(dead), 20)}`,
      );
    }
    const admin = kafka.admin();
    // Idempotent producers refuse retries: 0, hence 1 here.
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 1, initialRetryTime: 100 },
    });
    try {
      await admin.connect();
      const ids = new Set((await admin.describeCluster()).brokers.map((b) => b.nodeId));
      const missing = want.filter((n) => !ids.has(n.id)).map((n) => n.id);
      if (missing.length) throw new Error(`broker(s) ${missing.join(', ')} not registered yet`);
      if (!warm) return;
      await admin.describeGroups(['local-kafka-probe']);
      await producer.connect(); // InitProducerId
      return;
    } catch (err) {
      last = (err as Error).message;
    } finally {
      await producer.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
    await sleep(500);
  }
  const logs = nodes.map((n) => `--- node ${n.id}: ${serverLog(n)} ---\n${tail(serverLog(n), 25)}`).join('\n');
  throw new Error(`Kafka not ready after ${timeoutMs} ms (${last}).\n${logs}`);
}
