/**
 * The Sapling side of the PyTorch hand-off fixtures (run by make-handoff-fixtures.py):
 *
 *   npx tsx scripts/handoff-sapling.ts write DIR               DIR/<case>.safetensors after 3 steps
 *   npx tsx scripts/handoff-sapling.ts resume CASE FILE STEPS  Sapling's losses resuming from FILE (JSON)
 *
 * The cases are src/io/handoff-cases.ts's, the same code the test replays.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HANDOFF_CASES, handoffCheckpoint, resumeInSapling, type HandoffCaseName } from '../src/io/handoff-cases.js';

const [command, ...args] = process.argv.slice(2);
if (command === 'write' && args.length === 1) {
  mkdirSync(args[0]!, { recursive: true });
  for (const name of HANDOFF_CASES) writeFileSync(join(args[0]!, `${name}.safetensors`), handoffCheckpoint(name));
} else if (command === 'resume' && args.length === 3 && (HANDOFF_CASES as readonly string[]).includes(args[0]!)) {
  console.log(JSON.stringify(resumeInSapling(args[0] as HandoffCaseName, readFileSync(args[1]!), Number(args[2]))));
} else {
  console.error('usage: handoff-sapling.ts write DIR | resume CASE FILE STEPS');
  process.exit(2);
}
