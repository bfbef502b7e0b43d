/**
 * page — what a page of the demo site is. Each file in demo/pages/ exports one `page`; main.ts
 * finds them all (import.meta.glob), so adding a page is adding one file: nav and home page
 * list it by itself.
 */
export interface DemoPage {
  /** The route: the page lives at `#/<path>`. */
  readonly path: string;
  readonly title: string;
  /** One sentence for the home page. */
  readonly summary: string;
  /** Where it goes in the nav, smallest first. */
  readonly order: number;
  /** Builds the page inside `root`; may return what stops its work when the user leaves. */
  mount(root: HTMLElement): Promise<Unmount> | Unmount;
}

export type Unmount = (() => void) | void;

/** What the pages expose for the browser tests (demo/tests/), under `window.saplingDemo`. */
export interface DemoProbe {
  train?: { readonly steps: number; readonly losses: readonly number[]; readonly accuracy: readonly number[]; readonly running: boolean; readonly stepsPerSecond: number };
  draw?: { readonly ready: boolean; readonly readyMs: number; readonly firstPredictionMs: number | null; readonly model: string };
  svd?: { readonly ready: boolean; readonly rank: number; readonly psnr: number; readonly ratio: number };
}

declare global {
  interface Window {
    saplingDemo: DemoProbe;
  }
}

window.saplingDemo ??= {};

/** Creates an element with attributes and children, the one DOM helper the pages share. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}
