/**
 * The CPU time of one optimizer's `step()` over the MLP's parameters (784-256-128-10: weights
 * 784x256, 256x128, 128x10 and their biases), on the cpu or the wasm backend (one thread): best
 * and median of N rounds of `--steps` steps each, in ms a step of process CPU time
 * (process.cpuUsage), which another process's load inflates less than wall time. Gradients are
 * fixed random tensors; the state is carried from step to step, as in training.
 *
 *   npx tsx scripts/measure-optim-step.ts --backend wasm --optimizer rmsprop [--rounds 15] [--steps 20]
 *
 * Options of the optimizer: `--centered`, `--momentum 0.9` (RMSprop), `--weight-decay 1e-4`.
 */
import { parseArgs } from 'node:util';
import { randn, seededRandom, setBackend, optim, type Tensor } from '../src/node.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'cpu' },
    optimizer: { type: 'string', default: 'rmsprop' },
    rounds: { type: 'string', default: '15' },
    steps: { type: 'string', default: '20' },
    centered: { type: 'boolean', default: false },
    momentum: { type: 'string', default: '0' },
    'weight-decay': { type: 'string', default: '0' },
  },
});
const backend = values.backend as 'cpu' | 'wasm';
if (backend !== 'cpu' && backend !== 'wasm') throw new RangeError(`measure-optim-step: --backend must be cpu or wasm, got '${backend}'`);
await setBackend(backend, backend === 'wasm' ? { threads: 1 } : {});

const random = seededRandom(0);
const SHAPES = [[256, 784], [256], [128, 256], [128], [10, 128], [10]];
const params: Tensor[] = SHAPES.map((s) => randn(s, { random }).mul(0.05).requiresGrad_());
const grads = SHAPES.map((s) => randn(s, { random }).mul(0.01));
const weightDecay = Number(values['weight-decay']);
const makers: Record<string, () => { step(): void }> = {
  rmsprop: () => new optim.RMSprop(params, { lr: 1e-3, centered: values.centered, momentum: Number(values.momentum), weightDecay }),
  adagrad: () => new optim.Adagrad(params, { lr: 1e-2, weightDecay }),
  adam: () => new optim.Adam(params, { lr: 1e-3, weightDecay }),
};
const make = makers[values.optimizer!];
if (make === undefined) throw new RangeError(`measure-optim-step: --optimizer must be one of ${Object.keys(makers).join(', ')}, got '${values.optimizer}'`);
const opt = make();
const [rounds, steps] = [Number(values.rounds), Number(values.steps)];
const step = (): void => {
  params.forEach((p, i) => { p.grad = grads[i]!; });
  opt.step();
};
for (let i = 0; i < steps; i++) step(); // warm-up: compile, grow the module memory
const cpu: number[] = [];
const wall: number[] = [];
for (let r = 0; r < rounds; r++) {
  const [c0, t0] = [process.cpuUsage(), performance.now()];
  for (let i = 0; i < steps; i++) step();
  const c = process.cpuUsage(c0);
  wall.push((performance.now() - t0) / steps);
  cpu.push((c.user + c.system) / 1000 / steps);
}
const sorted = (a: number[]) => [...a].sort((x, y) => x - y);
const [cs, ws] = [sorted(cpu), sorted(wall)];
const options = [values.centered ? 'centered' : '', Number(values.momentum) > 0 ? `momentum ${values.momentum}` : '', weightDecay > 0 ? `weight decay ${weightDecay}` : ''].filter(Boolean).join(', ');
console.log(`${values.optimizer}${options === '' ? '' : ` (${options})`} on ${backend}${backend === 'wasm' ? ' (1 thread)' : ''}, MLP parameters (235,146), ${rounds} rounds of ${steps} steps:`
  + ` CPU ms/step best ${cs[0]!.toFixed(3)}, median ${cs[cs.length >> 1]!.toFixed(3)}; wall best ${ws[0]!.toFixed(3)}, median ${ws[ws.length >> 1]!.toFixed(3)}`);
