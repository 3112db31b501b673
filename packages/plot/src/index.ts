export { FONT_FAMILY, plot } from './plot.js';
export type { Chart, PlotOptions } from './plot.js';
