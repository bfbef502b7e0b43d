/**
 * Continue in PyTorch, proven without Python: src/io/fixtures/pytorch-handoff.json holds the
 * losses PyTorch 1.13 computed resuming Sapling checkpoints (scripts/continue-in-pytorch.py, run
 * by scripts/make-handoff-fixtures.py). Here Sapling writes the same checkpoints again
 * (src/io/handoff-cases.ts: 3 training steps, then model and optimizer state in a checkpoint),
 * resumes each in fresh objects for 5 steps and compares its losses with PyTorch's: within float32
 * tolerance (rtol 1e-4, atol 1e-6; the two frameworks sum in different orders, and ResNet-18 in
 * training mode carries that rounding through 20 BatchNorms per step). Resuming is also exact
 * against the same run without a break.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { HANDOFF_CASES, STEPS_AFTER, STEPS_BEFORE, handoffCheckpoint, resumeInSapling, uninterrupted } from './handoff-cases.js';

interface Fixture {
  readonly torch: string;
  readonly stepsBefore: number;
  readonly steps: number;
  readonly cases: Record<string, { readonly torchLosses: readonly number[] }>;
}

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'pytorch-handoff.json'), 'utf8')) as Fixture;

describe('a Sapling checkpoint resumed in PyTorch trains like Sapling resuming it', () => {
  test('the fixture was made with these step counts', () => {
    expect([fixture.stepsBefore, fixture.steps]).toEqual([STEPS_BEFORE, STEPS_AFTER]);
    expect(Object.keys(fixture.cases)).toEqual([...HANDOFF_CASES]);
  });

  test.each(HANDOFF_CASES)('%s: the first 5 losses after resuming match PyTorch 1.13', (name) => {
    const bytes = handoffCheckpoint(name);
    const losses = resumeInSapling(name, bytes);
    const torch = fixture.cases[name]!.torchLosses;
    expect(losses.length).toBe(torch.length);
    losses.forEach((loss, i) => expect(Math.abs(loss - torch[i]!), `step ${i + 1}: Sapling ${loss}, PyTorch ${torch[i]}`).toBeLessThanOrEqual(1e-6 + 1e-4 * Math.abs(torch[i]!)));
    expect(losses).toEqual(uninterrupted(name).slice(STEPS_BEFORE)); // bit for bit: the checkpoint loses nothing
  });
});
