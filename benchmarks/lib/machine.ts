/**
 * machine — the facts a benchmark number means nothing without: which CPU, how many cores,
 * which Node (and so which V8). Printed at the top of every suite and stored beside its results.
 */
import os from 'node:os';

export interface MachineFacts {
  readonly cpu: string;
  /** Logical CPUs the OS reports. */
  readonly cores: number;
  /** CPUs this process may actually run on (affinity, cgroup limits). */
  readonly availableParallelism: number;
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly arch: string;
  readonly memoryGiB: number;
}

export function machineFacts(): MachineFacts {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() || 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  };
}

/** The facts as a few markdown lines. */
export function formatMachineFacts(m: MachineFacts): string {
  const cores = m.availableParallelism === m.cores ? `${m.cores}` : `${m.cores} (${m.availableParallelism} available)`;
  return [
    `- CPU: ${m.cpu}`,
    `- Cores: ${cores}`,
    `- Node: ${m.node} (V8 ${m.v8})`,
    `- OS: ${m.platform} ${m.arch}, ${m.memoryGiB} GiB RAM`,
  ].join('\n');
}
