/**
 * chart — the training curves, drawn with Chart.js. Chart.js because it is the most widely used
 * and actively maintained chart library for the web (an OpenJS-style project with several
 * maintainers and regular releases, MIT), it is tree-shakeable (we register only the line chart's
 * pieces, ~50 KB gzipped) and it redraws a few hundred points per update without effort, which is
 * all a live loss curve needs. Two y axes: loss (log scale) and test accuracy.
 */
import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, CategoryScale, Legend, Tooltip);

export interface TrainingChart {
  addLoss(step: number, loss: number): void;
  addAccuracy(step: number, accuracy: number): void;
  redraw(): void;
  destroy(): void;
}

export function trainingChart(canvas: HTMLCanvasElement): TrainingChart {
  const chart = new Chart(canvas, {
    type: 'line',
    data: {
      datasets: [
        { label: 'training loss (running mean)', data: [], borderColor: '#3f7a4b', pointRadius: 0, borderWidth: 2, yAxisID: 'loss' },
        { label: 'test accuracy (500 images)', data: [], borderColor: '#c7772b', pointRadius: 3, borderWidth: 2, yAxisID: 'accuracy' },
      ],
    },
    options: {
      animation: false, parsing: false, responsive: false,
      scales: {
        x: { type: 'linear', title: { display: true, text: 'step' }, min: 0 },
        loss: { type: 'logarithmic', position: 'left', title: { display: true, text: 'cross-entropy' } },
        accuracy: { type: 'linear', position: 'right', min: 0, max: 1, title: { display: true, text: 'accuracy' }, grid: { drawOnChartArea: false } },
      },
    },
  });
  const points = (i: number): { x: number; y: number }[] => chart.data.datasets[i]!.data as { x: number; y: number }[];
  return {
    addLoss: (x, y) => points(0).push({ x, y }),
    addAccuracy: (x, y) => points(1).push({ x, y }),
    redraw: () => chart.update('none'),
    destroy: () => chart.destroy(),
  };
}
