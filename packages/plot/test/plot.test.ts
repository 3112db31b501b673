import canvasKitModule from 'canvaskit-wasm';
import type { CanvasKit } from 'canvaskit-wasm';
import { FontNotFoundError, plot } from '@datapark/plot';
import { loadFonts } from '../src/fonts.js';
import { canvasFont } from '../src/vega-context.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

let kit: CanvasKit;
beforeAll(async () => {
  kit = await canvasKitModule.default();
});

/** A PNG's pixels as RGBA rows, decoded by Skia's PNG decoder. */
function decode(png: Uint8Array) {
  const image = kit.MakeImageFromEncoded(png);
  if (!image) throw new Error('not a PNG Skia can decode');
  const width = image.width();
  const height = image.height();
  const rgba = image.readPixels(0, 0, {
    width,
    height,
    colorType: kit.ColorType.RGBA_8888,
    alphaType: kit.AlphaType.Unpremul,
    colorSpace: kit.ColorSpace.SRGB,
  }) as Uint8Array;
  image.delete();
  return { width, height, rgba };
}

type Near = (r: number, g: number, b: number) => boolean;
const isBlue: Near = (r, g, b) =>
  Math.abs(r - 0x4c) < 8 && Math.abs(g - 0x78) < 8 && Math.abs(b - 0xa8) < 8;
/** Text (titles, labels) is near-black; nothing else in these charts is. */
const isInk: Near = (r, g, b) => r < 60 && g < 60 && b < 60;

/** The x of every pixel matching `near`, in rows [top, bottom). */
function columns(png: Uint8Array, near: Near, top = 0, bottom = Infinity): number[] {
  const { width, height, rgba } = decode(png);
  const xs: number[] = [];
  for (let y = top; y < Math.min(bottom, height); y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      if (near(rgba[i]!, rgba[i + 1]!, rgba[i + 2]!)) xs.push(x);
    }
  return xs;
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
    expect(decode(chart.png)).toMatchObject({ width: chart.width, height: chart.height });
    // Scale 1.5 by default: at least one and a half times the plotting area.
    expect(chart.width).toBeGreaterThan(450);
    expect(chart.height).toBeGreaterThan(240);
    expect(columns(chart.png, isBlue).length).toBeGreaterThan(10_000);
    // None would be drawn without a font.
    expect(columns(chart.png, isInk).length).toBeGreaterThan(500);
    expect(chart.svg).toContain('Revenue per day');
  });

  it('centres a title over the chart, as Vega aligns it (CanvasKit alone draws all text left-aligned)', async () => {
    const chart = await plot(
      {
        title: 'Revenue per day, centred',
        width: 400,
        height: 100,
        data: { values: sales },
        mark: { type: 'bar', color: '#4c78a8' },
        encoding: {
          x: { field: 'day', type: 'ordinal', axis: null },
          y: { field: 'revenue', type: 'quantitative', axis: null },
        },
      },
      { scale: 1 },
    );
    // Above the bars there is only the title.
    const title = columns(chart.png, isInk, 0, Math.min(...columns(chart.png, isBlue, 0)) || 30);
    expect(title.length).toBeGreaterThan(100);
    const middle = (Math.min(...title) + Math.max(...title)) / 2;
    expect(Math.abs(middle - chart.width / 2)).toBeLessThan(8);
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

  it('names the font packages to install when no font file is found', () => {
    const missing = [
      { family: 'Nowhere Sans', regular: '/nonexistent/a.ttf', bold: '/nonexistent/b.ttf' },
    ];
    expect(() => loadFonts(missing)).toThrow(FontNotFoundError);
    expect(() => loadFonts(missing)).toThrow(
      /\/nonexistent\/a\.ttf.*apt-get install fonts-dejavu-core/,
    );
  });

  it("asks CanvasKit for the loaded family in the weight Vega's font names", () => {
    expect(canvasFont('bold 13px DejaVu Sans, Liberation Sans, Arial, sans-serif')).toBe(
      'bold 13px datapark-plot',
    );
    expect(canvasFont('normal normal 600 11px DejaVu Sans')).toBe('bold 11px datapark-plot');
    expect(canvasFont('10px DejaVu Sans, sans-serif')).toBe('10px datapark-plot');
    expect(canvasFont('italic 10.5px Arial')).toBe('10.5px datapark-plot');
  });
});
