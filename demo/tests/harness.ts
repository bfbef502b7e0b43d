/**
 * harness — the browser tests' small runner: named checks run in order, each timed and reported
 * on one line, the failures listed at the end and the exit code set. (vitest runs the unit tests;
 * these need a browser, a built site and minutes, so they are their own command.)
 */
export interface Check {
  readonly name: string;
  readonly run: () => Promise<string | void>;
}

export async function runChecks(checks: readonly Check[]): Promise<boolean> {
  const failures: string[] = [];
  for (const check of checks) {
    const started = performance.now();
    try {
      const note = await check.run();
      console.log(`  ✓ ${check.name} (${((performance.now() - started) / 1000).toFixed(1)} s)${note ? `: ${note}` : ''}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push(`${check.name}: ${message}`);
      console.log(`  ✗ ${check.name} (${((performance.now() - started) / 1000).toFixed(1)} s): ${message}`);
    }
  }
  console.log(failures.length === 0 ? `\n${checks.length} checks passed` : `\n${failures.length} of ${checks.length} checks failed:\n  ${failures.join('\n  ')}`);
  return failures.length === 0;
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
