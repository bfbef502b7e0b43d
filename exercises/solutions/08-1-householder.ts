/** Reference solution of exercise 8.1 (exercises/08-1-householder.ts). */
export interface Reflector {
  readonly v: number[];
  readonly tau: number;
  readonly beta: number;
}

export function householder(x: readonly number[]): Reflector {
  const x0 = x[0]!;
  const tail = Math.hypot(...x.slice(1)); // hypot scales, so squares cannot overflow
  if (tail === 0) return { v: x.map((_, i) => (i === 0 ? 1 : 0)), tau: 0, beta: x0 };
  const beta = -(x0 >= 0 ? 1 : -1) * Math.hypot(x0, tail);
  const scale = 1 / (x0 - beta); // x₀ − β adds two numbers of the same sign
  return { v: x.map((xi, i) => (i === 0 ? 1 : xi * scale)), tau: (beta - x0) / beta, beta };
}
