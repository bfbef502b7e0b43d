/**
 * Three learning-rate schedules over 100 steps, read back from the optimizer they drive.
 * Run: npx tsx docs/course/code/03-schedules.ts
 */
import { optim, zeros, type Tensor } from '../../../src/index.js';
import { lineChart } from '../../../src/utils/index.js';

// #region schedules
/** The lr a schedule gives at steps 0 … 99 (a schedule sets the lr of step 0 when it is made). */
function lrs(make: (optimizer: optim.SGD) => optim.SteppedScheduler): number[] {
  const weights: Tensor = zeros([1], { requiresGrad: true }); // a schedule needs an optimizer to drive
  const optimizer = new optim.SGD([weights], { lr: 0.1, momentum: 0.9 });
  const schedule = make(optimizer);
  const out: number[] = [];
  for (let step = 0; step < 100; step++) {
    out.push(optimizer.paramGroups[0]!.lr);
    schedule.step();
  }
  return out;
}
const step = lrs((o) => new optim.StepLR(o, { stepSize: 30, gamma: 0.1 }));
const cosine = lrs((o) => new optim.CosineAnnealingLR(o, { tMax: 100, warmupSteps: 10 }));
const oneCycle = lrs((o) => new optim.OneCycleLR(o, { maxLr: 0.1, totalSteps: 100 }));
for (const t of [0, 5, 10, 30, 50, 99]) {
  console.log(`step ${String(t).padStart(2)}: StepLR ${step[t]!.toFixed(4)}, cosine with warm-up ${cosine[t]!.toFixed(4)}, one-cycle ${oneCycle[t]!.toFixed(4)}`);
}
// #endregion

export const figures = {
  '03-schedules.svg': lineChart({
    title: 'Learning-rate schedules, peak lr 0.1, 100 steps',
    series: [
      { name: 'StepLR (30, 0.1)', x: step.map((_, t) => t), y: step },
      { name: 'cosine, warm-up 10', x: cosine.map((_, t) => t), y: cosine },
      { name: 'one-cycle', x: oneCycle.map((_, t) => t), y: oneCycle },
    ],
    xLabel: 'step',
    yLabel: 'learning rate',
  }),
};
