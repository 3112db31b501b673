import { Resvg } from '@resvg/resvg-js';
import { plot } from '@datapark/plot';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Pixels of an RGB colour (±8 per channel) in a PNG, decoded by resvg from an <image>. */
function pixels(
  png: Uint8Array,
  width: number,
  height: number,
  near: (r: number, g: number, b: number) => boolean,
) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><image width="${width}" height="${height}" href="data:image/png;base64,${Buffer.from(png).toString('base64')}"/></svg>`;
  const rgba = new Resvg(svg).render().pixels;
  let n = 0;
  for (let i = 0; i < rgba.length; i += 4) if (near(rgba[i]!, rgba[i + 1]!, rgba[i + 2]!)) n++;
  return n;
}

describe('plot', () => {
  const sales = [
    { day: '2026-11-23', revenue: 1200 },
    { day: '2026-11-24', revenue: 1830.5 },
    { day: '2026-11-25', revenue: 2104 },
  ];

  it('draws a Vega-Lite chart into a PNG with its bars and its text', async () => {
    const chart = await plot({
      title: 'Revenue per day',
      width: 300,
      height: 160,
      data: { values: sales },
      mark: { type: 'bar', color: '#4c78a8' },
      encoding: {
        x: { field: 'day', type: 'ordinal' },
        y: { field: 'revenue', type: 'quantitative' },
      },
    });
    expect([...chart.png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    // Scale 1.5 by default: at least one and a half times the plotting area.
    expect(chart.width).toBeGreaterThan(450);
    expect(chart.height).toBeGreaterThan(240);
    const blue = pixels(
      chart.png,
      chart.width,
      chart.height,
      (r, g, b) => Math.abs(r - 0x4c) < 8 && Math.abs(g - 0x78) < 8 && Math.abs(b - 0xa8) < 8,
    );
    expect(blue).toBeGreaterThan(10_000);
    // Text (the title and the labels) is near-black: none would be drawn without a font.
    const ink = pixels(
      chart.png,
      chart.width,
      chart.height,
      (r, g, b) => r < 60 && g < 60 && b < 60,
    );
    expect(ink).toBeGreaterThan(500);
    expect(chart.svg).toContain('Revenue per day');
  });

  it("gives Deno's kernel a PNG MIME bundle to show under the cell", async () => {
    const chart = await plot(
      {
        data: { values: sales },
        mark: 'line',
        encoding: {
          x: { field: 'day', type: 'ordinal' },
          y: { field: 'revenue', type: 'quantitative' },
        },
      },
      { scale: 1 },
    );
    const display = (chart as unknown as Record<symbol, () => Record<string, string>>)[
      Symbol.for('Jupyter.display')
    ]!;
    const bundle = display();
    expect(Object.keys(bundle)).toEqual(['image/png']);
    expect(Buffer.from(bundle['image/png']!, 'base64')).toEqual(Buffer.from(chart.png));
  });
});
