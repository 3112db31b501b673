import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

/** Deno's Jupyter kernel shows a value with this method by the MIME bundle it returns. */
const JUPYTER_DISPLAY = Symbol.for('Jupyter.display');

/**
 * Font families tried in turn: Debian's DejaVu (fonts-dejavu-core), the Jupyter Docker Stacks'
 * Liberation, then whatever the system calls sans-serif. resvg draws no text without one.
 */
export const FONT_FAMILY = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';

export interface PlotOptions {
  /** Pixels per chart unit (default 1.5: sharp enough on a high-density screen, small in a committed notebook). */
  readonly scale?: number;
}

/** A chart drawn once: its PNG bytes, and its SVG. */
export interface Chart {
  readonly png: Uint8Array;
  readonly svg: string;
  readonly width: number;
  readonly height: number;
  /** `{ 'image/png': base64 }`: what a Jupyter output holds. */
  mimeBundle(): { 'image/png': string };
}

/**
 * Draws a Vega-Lite chart into a PNG, with no browser: Vega lays it out as SVG, resvg rasterises
 * it. A PNG, not an interactive chart, because that is what JupyterLab, `nbconvert` and GitHub's
 * notebook view all show in a committed notebook's outputs.
 *
 * As the last expression of a Deno notebook cell, the chart shows under the cell:
 *
 * ```ts
 * import { plot } from '@datapark/plot';
 * await plot({
 *   data: { values: [{ day: '2026-11-24', revenue: 1830.5 }, { day: '2026-11-25', revenue: 2104 }] },
 *   mark: 'bar',
 *   encoding: { x: { field: 'day', type: 'ordinal' }, y: { field: 'revenue', type: 'quantitative' } },
 * });
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
    const rendered = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: scale },
      background: 'white',
      font: { loadSystemFonts: true, defaultFontFamily: FONT_FAMILY.split(',')[0]! },
    }).render();
    const png = new Uint8Array(rendered.asPng());
    const chart: Chart = {
      png,
      svg,
      width: rendered.width,
      height: rendered.height,
      mimeBundle: () => ({ 'image/png': Buffer.from(png).toString('base64') }),
    };
    return Object.assign(chart, { [JUPYTER_DISPLAY]: () => chart.mimeBundle() });
  } finally {
    view.finalize();
  }
}
