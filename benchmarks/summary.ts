/**
 * npx tsx benchmarks/summary.ts — issue 23's targets, judged from the result files the suites
 * last wrote (benchmarks/results/training.json and lstm.json; lib/targets.ts), then issue 16's
 * from transformer.json and issue 22's from webgpu.json: each target, its
 * measured ratio and met / missed / not measured. `npm run bench` prints it after the suites.
 * The files are whatever the last full run of each suite left, so each one's date is shown.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_DIR } from './lib/results.js';
import { markdownTable } from './lib/table.js';
import { issue16Targets, issue22Targets, issue23Targets } from './lib/targets.js';

/** The parsed result file of `suite`, or undefined when there is none (or it does not parse). */
function read(suite: string): unknown {
  const path = join(RESULTS_DIR, `${suite}.json`);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

const files = { training: read('training'), lstm: read('lstm') };
const dateOf = (r: unknown): string => (typeof r === 'object' && r !== null && typeof (r as { date?: unknown }).date === 'string' ? (r as { date: string }).date : 'missing');
const rows = issue23Targets(files);
console.log('\n## Issue 23 targets, from benchmarks/results\n');
console.log(`training.json: ${dateOf(files.training)}; lstm.json: ${dateOf(files.lstm)} (full runs only; a --quick file is not judged)\n`);
console.log(markdownTable(
  ['target', 'measured', 'ratio', 'bound', 'verdict'],
  rows.map((r) => [r.target, r.measured, r.ratio === null ? '—' : r.ratio.toFixed(2), r.bound, r.verdict]),
  ['left', 'left', 'right', 'left', 'left'],
));
const count = (v: string): number => rows.filter((r) => r.verdict === v).length;
console.log(`\n${count('met')} met, ${count('missed')} missed, ${count('not measured')} not measured.`);

// Issue 22 (WebGPU): from the webgpu suite's last written result.
const webgpu = read('webgpu');
const gpuRows = issue22Targets(webgpu);
console.log('\n## Issue 22 targets (WebGPU), from benchmarks/results/webgpu.json\n');
console.log(`webgpu.json: ${dateOf(webgpu)}${typeof webgpu === 'object' && webgpu !== null && (webgpu as { software?: unknown }).software === true ? ' (a software adapter: only the ratios mean anything)' : ''}\n`);
console.log(markdownTable(
  ['target', 'measured', 'ratio', 'bound', 'verdict'],
  gpuRows.map((r) => [r.target, r.measured, r.ratio === null ? '—' : r.ratio.toFixed(2), r.bound, r.verdict]),
  ['left', 'left', 'right', 'left', 'left'],
));

// Issue 16 (the transformer suite's targets), from transformer.json.
const transformer = read('transformer');
const rows16 = issue16Targets({ transformer });
console.log('\n## Issue 16 targets (transformer suite), from benchmarks/results\n');
console.log(`transformer.json: ${dateOf(transformer)} (full runs only)\n`);
console.log(markdownTable(
  ['target', 'measured', 'ratio', 'bound', 'verdict'],
  rows16.map((r) => [r.target, r.measured, r.ratio === null ? '—' : r.ratio.toFixed(2), r.bound, r.verdict]),
  ['left', 'left', 'right', 'left', 'left'],
));
