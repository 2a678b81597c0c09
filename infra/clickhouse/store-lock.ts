import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The process that holds the embedded engine's data folder, found without asking the engine: the
 * engine refuses a second process by printing its own `DB::Exception` straight to the process's
 * stderr (native code, out of Node's reach), so a command that finds the folder held says so
 * itself before the engine is opened, and prints only its own line.
 *
 * The engine holds an exclusive flock on `<folder>/status` and writes its PID there. On Linux
 * `/proc/locks` lists every flock with its PID and inode, so a stale status file (a killed process,
 * a reused PID) is told apart from a held one; where `/proc/locks` cannot be read, a living
 * process of that PID is taken as the holder.
 */
export function storeHolder(dataPath: string): number | undefined {
  const statusFile = resolve(dataPath, 'status');
  let pid: number;
  let inode: number;
  try {
    const m = /^PID:\s*(\d+)/m.exec(readFileSync(statusFile, 'utf8'));
    if (!m) return undefined;
    pid = Number(m[1]);
    inode = statSync(statusFile).ino;
  } catch {
    return undefined; // no status file: no engine has opened the folder
  }
  // This process's own earlier opening: the engine itself decides.
  if (pid === process.pid) return undefined;
  let locks: string;
  try {
    locks = readFileSync('/proc/locks', 'utf8');
  } catch {
    return isAlive(pid) ? pid : undefined;
  }
  // e.g. `1: FLOCK  ADVISORY  WRITE 31612 fe:00:2175089 0 EOF` (pid, major:minor:inode).
  const held = locks.split('\n').some((line) => {
    const f = /\bFLOCK\s+\S+\s+WRITE\s+(\d+)\s+[0-9a-f]+:[0-9a-f]+:(\d+)\s/.exec(line);
    return f !== null && Number(f[1]) === pid && Number(f[2]) === inode;
  });
  return held ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
