/**
 * problems — the list of everything wrong with a file, kept short enough to print.
 *
 * Readers report every problem they find at once, but a hostile file can have millions (a
 * 100 MB header of bad entries): we keep the first `MAX_LISTED_PROBLEMS`, note that there were
 * more, and the reader stops looking — so an error's message, memory and time stay small
 * whatever the file holds.
 */

/** How many problems an error lists; a reader that finds more stops there. */
export const MAX_LISTED_PROBLEMS = 100;

export class ProblemList {
  readonly listed: string[] = [];
  /** Whether more problems were found than are listed (the reader stopped looking). */
  truncated = false;

  get size(): number {
    return this.listed.length;
  }

  /** Whether the list is full: a reader stops looking once it is. */
  get isFull(): boolean {
    return this.truncated || this.listed.length >= MAX_LISTED_PROBLEMS;
  }

  push(...problems: string[]): void {
    for (const p of problems) {
      if (this.listed.length < MAX_LISTED_PROBLEMS) this.listed.push(p);
      else this.truncated = true;
    }
  }
}

/** "one problem", or "N problems:" and one line each (saying so when the list was cut short). */
export function describeProblems(problems: readonly string[], truncated = false): string {
  if (problems.length === 1 && !truncated) return problems[0]!;
  const count = truncated ? `more than ${problems.length} problems (the first ${problems.length} are listed)` : `${problems.length} problems`;
  return `${count}:\n  - ${problems.join('\n  - ')}`;
}
