/**
 * The demo site: a home page and one page per file of demo/pages/ (each exports a `DemoPage`),
 * routed by the URL's hash (#/train, #/draw, …), so the site is static files any server can host.
 * The header says how Sapling's wasm backend uses threads in this page.
 */
import { wasmBackend } from './lib/backend.js';
import { h, type DemoPage, type Unmount } from './lib/page.js';

const pages = Object.values(import.meta.glob<{ page: DemoPage }>('./pages/*.ts', { eager: true }))
  .map((m) => m.page)
  .sort((a, b) => a.order - b.order);

const nav = document.getElementById('nav')!;
const main = document.getElementById('page')!;
const threading = document.getElementById('threading')!;

nav.append(...pages.map((p) => h('a', { href: `#/${p.path}`, 'data-path': p.path }, p.title)));

let unmount: Unmount = undefined;

async function route(): Promise<void> {
  unmount?.();
  unmount = undefined;
  main.replaceChildren();
  const path = location.hash.replace(/^#\/?/, '');
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.path === path);
  const page = pages.find((p) => p.path === path);
  if (page === undefined) {
    document.title = 'Sapling in your browser';
    main.append(
      h('h1', {}, 'Sapling in your browser'),
      h('p', {}, 'Sapling is a deep learning framework written from scratch in TypeScript. These pages run it in your browser: nothing is sent anywhere, and every file comes from this site.'),
      h('div', { class: 'row home' }, ...pages.map((p) => h('a', { class: 'tile card', href: `#/${p.path}` }, h('h2', {}, p.title), h('p', {}, p.summary)))),
    );
    return;
  }
  document.title = `${page.title} · Sapling in your browser`;
  unmount = await page.mount(main);
}

window.addEventListener('hashchange', () => void route());
void route();
wasmBackend().then(
  (t) => (threading.textContent = `wasm backend: ${t.detail}`),
  (e: unknown) => (threading.textContent = `wasm backend failed to load: ${String(e)}`),
);
