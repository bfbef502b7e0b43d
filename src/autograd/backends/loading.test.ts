/**
 * What `import 'sapling'` loads. On the cpu backend nothing of the wasm backend is loaded — not
 * its worker threads (node:worker_threads), not tfjs — and the wasm backend starts worker threads
 * only when it may use more than one. Checked in child processes of plain Node on the package as
 * built (tsc into node_modules/.cache), since tsx's own loader thread already loads
 * node:worker_threads into any process it runs.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, expect, test } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const out = join(root, 'node_modules', '.cache', 'sapling-loading-test');
const index = pathToFileURL(join(out, 'index.js')).href;
const pool = pathToFileURL(join(out, 'autograd', 'backends', 'wasm', 'pool.js')).href;

/** Runs `source` as an ES module in a fresh Node process; returns the JSON it printed last. */
function run(source: string, flags: readonly string[] = []): unknown {
  const child = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', source], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!);
}

beforeAll(() => {
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', out], { cwd: root, encoding: 'utf8' });
  expect(tsc.stdout + tsc.stderr).toBe('');
}, 120_000);

test('import \'sapling\' on the cpu backend loads no worker_threads, and computes', () => {
  const report = run(`
    const s = await import(${JSON.stringify(index)});
    const a = s.randn([64, 64], { random: s.seededRandom(1) });
    const sum = s.matmul(a, a).sum().item();
    console.log(JSON.stringify({
      backend: s.getBackend(), finite: Number.isFinite(sum), threads: s.getNumThreads(),
      workerThreads: process.moduleLoadList.filter((m) => m.includes('worker_threads')),
    }));
  `);
  expect(report).toEqual({ backend: 'cpu', finite: true, threads: 1, workerThreads: [] });
});

test('the wasm backend starts worker threads only when it may use more than one (in a program run as a module, with --expose-gc as the benchmarks are)', () => {
  const report = run(`
    const s = await import(${JSON.stringify(index)});
    const pool = await import(${JSON.stringify(pool)});
    await s.setBackend('wasm', { threads: 1 });
    const a = s.randn([512, 512], { random: s.seededRandom(1) }); // 268 MFLOP: two shares where two threads may run
    s.matmul(a, a);
    const withOne = pool.workerStats().length;
    s.setNumThreads(2);
    s.matmul(a, a);
    const withTwo = pool.workerStats().length;
    pool.shutdownWorkers();
    console.log(JSON.stringify({ withOne, withTwo }));
  `, ['--expose-gc']);
  expect(report).toEqual({ withOne: 0, withTwo: 1 });
});
