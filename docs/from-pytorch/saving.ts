// Saving and loading: state dicts as safetensors files, and whole training checkpoints.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// #region import
import { Linear, SGD, loadCheckpoint, loadSafetensors, manualSeed, saveCheckpoint, saveSafetensors } from 'sapling';
// #endregion

manualSeed(0);
const dir = mkdtempSync(join(tmpdir(), 'from-pytorch-'));
const model = new Linear(3, 2);
const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
model.forward(model.weight).sum().backward(); // one step, so the optimizer has state to save
optimizer.step();

// #region state-dict
saveSafetensors(join(dir, 'model.safetensors'), model.stateDict());       // torch.save(model.state_dict(), path)
const copy = new Linear(3, 2);
copy.loadStateDict(loadSafetensors(join(dir, 'model.safetensors')).tensors); // model.load_state_dict(torch.load(path))
// #endregion

// #region checkpoint
saveCheckpoint(join(dir, 'ckpt.safetensors'), { model: model.stateDict(), optimizer: optimizer.stateDict(), epoch: 3 });
const ckpt = loadCheckpoint(join(dir, 'ckpt.safetensors'));
const resumed = new Linear(3, 2);
const resumedOptimizer = new SGD(resumed.parameters(), { lr: 0.1, momentum: 0.9 });
resumed.loadStateDict(ckpt.model);
resumedOptimizer.loadStateDict(ckpt.optimizer!);
console.log(ckpt.epoch);                                                   // 3
// #endregion

console.log(copy.weight.toArray().toString() === model.weight.toArray().toString(), resumed.bias!.toArray().toString() === model.bias!.toArray().toString());
rmSync(dir, { recursive: true, force: true });
