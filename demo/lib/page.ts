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
  train?: { readonly steps: number; readonly losses: readonly number[]; readonly accuracy: readonly number[]; readonly running: boolean; readonly stepsPerSecond: number; readonly backend: string };
  draw?: { readonly ready: boolean; readonly readyMs: number; readonly firstPredictionMs: number | null; readonly model: string; readonly backend: string };
  svd?: { readonly ready: boolean; readonly rank: number; readonly psnr: number; readonly ratio: number };
  webgpu?: WebgpuProbe;
  spam?: {
    readonly ready: boolean; readonly split: string; readonly threshold: number; readonly probability: number; readonly spam: boolean;
    readonly tp: number; readonly fp: number; readonly tn: number; readonly fn: number;
    readonly precision: number; readonly recall: number; readonly f1: number; readonly expectedCost: number;
  };
  segment?: { readonly ready: boolean; readonly backend: string; readonly model: string; readonly runs: number; readonly milliseconds: number; readonly scene: number[]; readonly mask: number[]; readonly truthMeanIou: number | null };
}

/** What the WebGPU page reports: whether an adapter was found, the kernel check, the training on the device. */
export interface WebgpuProbe {
  state: 'probing' | 'no-adapter' | 'running' | 'done' | 'failed';
  backend: 'wasm' | 'webgpu';
  adapter: string | null;
  /** The largest |GPU − cpu| of a [128, 96] · [96, 64] matmul. */
  matmulMaxError: number;
  losses: number[];
  /** Reads back to the host while the steps were being recorded (the loss reads come after). */
  readsDuringSteps: number;
  msPerStep: number;
  /** On 500 test images after the steps. */
  accuracy: number;
  error: string;
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
