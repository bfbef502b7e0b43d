/**
 * temp-files — naming the temporary files of atomic writes, and removing those whose writer died.
 *
 * A save killed midway (kill -9, a crash, a power cut) leaves its temporary file behind. The
 * name says who wrote it: `.<target>.<host>.<pid>.<start>.<random>.tmp`, with `host` a hash of
 * the host name, `pid` the writer's process id and `start` its start time in clock ticks since
 * boot (Linux's /proc/<pid>/stat, field 22; 0 where unknown). The next save to the same path
 * removes the temporary files of writers on this host that are gone: no process has that pid,
 * it is a zombie, or its start time differs (the pid was reused). A file whose writer may still
 * be alive, or that another host wrote, is never touched.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
const PATTERN = /^([0-9a-f]{8})\.(\d+)\.(\d+)\.([0-9a-f]{8})\.tmp$/;

/** The state letter and start time (clock ticks since boot) of a process, or null where /proc cannot tell. */
function processStat(pid: number): { state: string; start: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so we split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields.length > 19 ? { state: fields[0]!, start: fields[19]! } : null;
  } catch {
    return null;
  }
}

/** The start time of process `pid` in clock ticks since boot, or '0' where /proc cannot tell. */
export const processStartTime = (pid: number): string => processStat(pid)?.start ?? '0';

const OWN_START = processStartTime(process.pid);

/** A fresh temporary path next to `target`, naming its writer (this process unless told otherwise). */
export function temporaryPathFor(target: string, pid = process.pid, start = OWN_START, host = HOST): string {
  return join(dirname(target), `.${basename(target)}.${host}.${pid}.${start}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Whether the process that started at `start` with id `pid` (on this host) may still be running. */
export function isWriterAlive(pid: number, start: string): boolean {
  if (pid === process.pid) return start === OWN_START || OWN_START === '0'; // another start: an earlier process with our pid
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'; // EPERM: it exists, owned by someone else
  }
  const stat = processStat(pid);
  if (stat === null) return true; // no /proc (or not allowed to read it): assume alive
  if (stat.state === 'Z' || stat.state === 'X') return false; // exited, not yet reaped
  return start === '0' || stat.start === start;
}

/**
 * Removes the temporary files next to `target` whose writers are gone; returns their names.
 * Best effort: a file another process removes first, or that cannot be removed, is skipped.
 */
export function removeStaleTemporaries(target: string): string[] {
  const prefix = `.${basename(target)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(target));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = PATTERN.exec(name.slice(prefix.length));
    if (!match || match[1] !== HOST || isWriterAlive(Number(match[2]), match[3]!)) continue;
    try {
      rmSync(join(dirname(target), name), { force: true });
      removed.push(name);
    } catch {
      // Not ours to remove after all (permissions); leave it.
    }
  }
  return removed;
}
