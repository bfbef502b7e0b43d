/**
 * A CPU profile of three training steps, taken from inside the program with node:inspector (the
 * same sampling profiler as `node --cpu-prof`), summed by function: which lines of which files
 * the time is spent in. Prints times, so the page shows one run.
 * Chapter 9 (docs/course/09-performance.md). Run: npx tsx docs/course/code/09-profile.ts
 */
import { Session, type Profiler } from 'node:inspector/promises';
import { optim } from '../../../src/node.js';
import { makeModel, trainingStep } from './09-model.js';

// #region profile
const model = makeModel();
const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });
trainingStep(model, optimizer); // warm-up, outside the profile

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 }); // a sample every 200 µs
await session.post('Profiler.start');
for (let step = 0; step < 3; step++) trainingStep(model, optimizer);
const { profile } = await session.post('Profiler.stop');
session.disconnect();
// #endregion

// #region self-time
/** Samples per function: each sample is the function running at that instant (its "self" time). */
function selfSamples(p: Profiler.Profile): Map<string, number> {
  const hits = new Map<number, number>(); // node of the call tree → samples that landed in it
  for (const id of p.samples!) hits.set(id, (hits.get(id) ?? 0) + 1);
  const byFunction = new Map<string, number>();
  for (const node of p.nodes) {
    const { functionName, url } = node.callFrame; // the same function appears in several nodes, one per call path
    const name = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(src|docs|node_modules)\//, '$1/')}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + (hits.get(node.id) ?? 0));
  }
  return byFunction;
}
const rows = [...selfSamples(profile)].sort((a, b) => b[1] - a[1]);
const samples = profile.samples!.length;
console.log(`${samples} samples in ${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms; the functions with the most self time:`);
for (const [name, n] of rows.slice(0, 8)) console.log(`${(100 * n / samples).toFixed(1).padStart(5)}%  ${name}`);
// #endregion
