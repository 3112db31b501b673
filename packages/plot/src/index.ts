export { plot } from './plot.js';
export type { Chart, PlotOptions } from './plot.js';
export { FONT_CANDIDATES, FONT_FAMILY, FontNotFoundError } from './fonts.js';
export type { FontFiles } from './fonts.js';
export { PlotError } from './errors.js';
