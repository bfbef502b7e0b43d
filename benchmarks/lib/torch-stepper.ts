/**
 * torch-stepper — a PyTorch process that runs one step of a benchmark per request, so that its
 * steps can be timed interleaved with Sapling's, round by round (lib/interleave.ts), instead of
 * in a block of their own. On this machine speed drifts by up to 2× for seconds at a time; a
 * PyTorch figure taken a minute before or after Sapling's compared two different machines (the
 * LSTM suite saw PyTorch's 1-thread step anywhere from 22.6 to 35.2 ms from run to run).
 *
 * The Python side builds the model from `setup` (a script defining `step(i)`), sets its thread
 * count once, warms up, then answers each line `step` on stdin with the milliseconds that step
 * took, measured in Python around `step(i)` alone (no pipe, no JSON), as one line on stdout, and
 * a line `rss` with its peak resident set in MB.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { SelfTimed } from './interleave.js';

export interface TorchStepper {
  readonly version: string;
  readonly threads: number;
  /** Runs one step in the PyTorch process; resolves with the time it took there. */
  step(): Promise<SelfTimed>;
  /** The PyTorch process's peak resident set so far, MB. */
  peakRssMb(): Promise<number>;
  close(): void;
}

const PYTHON = '/usr/bin/python3';

/**
 * Starts PyTorch with `threads` threads and the benchmark `setup` (Python source defining
 * `step(i)`); resolves once it has warmed up, or with the reason it cannot run.
 */
export async function startTorch(setup: string, threads: number, warmupSteps = 5): Promise<TorchStepper | string> {
  if (!existsSync(PYTHON)) return `no ${PYTHON}`;
  const script = `
import json, resource, sys, time
try:
    import torch
except ImportError:
    print(json.dumps({'error': '${PYTHON} has no torch'}), flush=True); sys.exit(0)
torch.set_num_threads(${threads})
torch.manual_seed(0)
${setup}
for i in range(${warmupSteps}): step(i)
print(json.dumps({'version': torch.__version__, 'threads': torch.get_num_threads()}), flush=True)
i = ${warmupSteps}
for line in sys.stdin:
    if line.strip() == 'rss':
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, flush=True); continue
    if line.strip() != 'step': break
    t0 = time.perf_counter(); step(i); ms = (time.perf_counter() - t0) * 1000; i += 1
    print(ms, flush=True)
`;
  // OMP_WAIT_POLICY=PASSIVE: between requests PyTorch's idle OpenMP threads must sleep, not spin
  // on the cores the other tasks are being timed on. Spinning, a 2-thread PyTorch LSTM step
  // stepped back to back through the pipe took 162 ms against 40 ms passive; even in a plain
  // Python loop it took 57–121 ms spinning against 32 ms passive. Passive is PyTorch's better
  // setting on this machine, not a handicap.
  const child: ChildProcessWithoutNullStreams = spawn(PYTHON, ['-c', script], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const r = await lines.next();
    if (r.done) throw new Error(`the PyTorch process ended: ${stderr.trim().split('\n').at(-1) ?? '(no message)'}`);
    return r.value;
  };
  let hello: { version?: string; threads?: number; error?: string };
  try {
    hello = JSON.parse(await next()) as typeof hello;
  } catch (error) {
    child.kill();
    return error instanceof Error ? error.message : String(error);
  }
  if (hello.error !== undefined || hello.version === undefined) {
    child.kill();
    return hello.error ?? 'the PyTorch process did not start';
  }
  return {
    version: hello.version,
    threads: hello.threads ?? threads,
    async step() {
      child.stdin.write('step\n');
      return { selfTimedMs: Number(await next()) };
    },
    async peakRssMb() {
      child.stdin.write('rss\n');
      return Number(await next());
    },
    close() {
      child.stdin.end();
      child.kill();
    },
  };
}
