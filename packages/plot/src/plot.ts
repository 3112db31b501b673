import { PlotError } from './errors.js';
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { drawPng } from './draw-png.js';
import { FONT_FAMILY } from './fonts.js';

/** Deno's Jupyter kernel shows a value with this method by the MIME bundle it returns. */
const JUPYTER_DISPLAY = Symbol.for('Jupyter.display');

export interface PlotOptions {
  /** Pixels per chart unit (default 1.5: sharp enough on a high-density screen, small in a committed notebook). */
  readonly scale?: number;
}

/** A chart drawn once: its PNG bytes, and its SVG. */
export interface Chart {
  readonly png: Uint8Array;
  readonly svg: string;
  /** The PNG's size in pixels. */
  readonly width: number;
  readonly height: number;
  /** `{ 'image/png': base64 }`: what a Jupyter output holds. */
  mimeBundle(): { 'image/png': string };
}

/** The size Vega gave its SVG, in chart units. */
function svgSize(svg: string): { width: number; height: number } {
  const root = /^<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\swidth="([\d.]+)"/.exec(root)?.[1]);
  const height = Number(/\sheight="([\d.]+)"/.exec(root)?.[1]);
  if (!(width > 0 && height > 0))
    throw new PlotError(`Vega drew an SVG without a size: ${root.slice(0, 200)}`, {
      code: 'PLOT_NO_SIZE',
      hint: 'give the spec a width and height',
    });
  return { width, height };
}

/**
 * Draws a Vega-Lite chart into a PNG, with no browser: Vega lays it out (its SVG is kept too)
 * and draws it on CanvasKit's canvas. A PNG, not SVG or an interactive chart, because a PNG is
 * what every reader of a committed notebook sees: JupyterLab shows an SVG output only in a
 * notebook it trusts (one executed in the reader's own session), and GitHub's notebook view
 * and `nbconvert` show a PNG too.
 *
 * The chart shows under the cell with Deno's display API, or as a cell's last expression:
 *
 * ```ts
 * import { plot } from '@datapark/plot';
 * await Deno.jupyter.display(await plot({
 *   data: { values: [{ day: '2026-11-24', revenue: 1830.5 }, { day: '2026-11-25', revenue: 2104 }] },
 *   mark: 'bar',
 *   encoding: { x: { field: 'day', type: 'ordinal' }, y: { field: 'revenue', type: 'quantitative' } },
 * }));
 * ```
 */
export async function plot(spec: TopLevelSpec, options: PlotOptions = {}): Promise<Chart> {
  const scale = options.scale ?? 1.5;
  const withFont = {
    ...spec,
    config: { font: FONT_FAMILY, ...spec.config },
  } as TopLevelSpec;
  const view = new View(parse(compile(withFont).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const { width, height } = svgSize(svg);
    const png = await drawPng(view, width, height, scale);
    const chart: Chart = {
      png: png.bytes,
      svg,
      width: png.width,
      height: png.height,
      mimeBundle: () => ({ 'image/png': Buffer.from(png.bytes).toString('base64') }),
    };
    return Object.assign(chart, { [JUPYTER_DISPLAY]: () => chart.mimeBundle() });
  } finally {
    view.finalize();
  }
}
