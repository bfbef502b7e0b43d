/**
 * seattle-weather-file — the Seattle weather table read from the installed `vega-datasets`
 * package (Node only; seattle-weather.ts parses the text anywhere).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseSeattleWeather, type SeattleWeather } from './seattle-weather.js';

/**
 * Reads data/seattle-weather.csv from the installed `vega-datasets` package (Node only).
 * @example loadSeattleWeather().dates.length  // 1461
 */
export function loadSeattleWeather(): SeattleWeather {
  // vega-datasets' "exports" hide its package.json, so we find the folder from its entry point (build/index.js).
  let root: string;
  try {
    root = join(dirname(createRequire(import.meta.url).resolve('vega-datasets')), '..');
  } catch {
    throw new Error('loadSeattleWeather: the package "vega-datasets" is not installed; run `npm install -D vega-datasets@3.2.1` (it holds data/seattle-weather.csv)');
  }
  const file = join(root, 'data', 'seattle-weather.csv');
  return parseSeattleWeather(readFileSync(file, 'utf8'));
}
