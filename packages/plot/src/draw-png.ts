import { PlotError } from './errors.js';
import canvasKitModule from 'canvaskit-wasm';
import type { CanvasKit } from 'canvaskit-wasm';
import type { View } from 'vega';
import { loadFonts } from './fonts.js';
import type { LoadedFonts } from './fonts.js';
import { CANVAS_FAMILY, contextForVega } from './vega-context.js';
import type { TextContext } from './vega-context.js';

// canvaskit.js is CommonJS: its `module.exports` is the initialiser and so is its `.default`,
// which is what the package's types (an ES default export) call it by.
const CanvasKitInit = canvasKitModule.default;

// CanvasKit (Skia compiled to WebAssembly, BSD-3-Clause) loads its 7 MB module once per
// process, about 0.1 s; the fonts are read once too.
let canvasKit: Promise<CanvasKit> | undefined;
let fonts: LoadedFonts | undefined;

/** A chart drawn into PNG bytes of `width` x `height` pixels. */
export interface Png {
  readonly bytes: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/**
 * Draws a Vega view, `width` x `height` chart units (the size of its SVG), into a PNG at
 * `scale` pixels per unit: Vega's own canvas renderer draws into CanvasKit's emulated Canvas 2D
 * context, and Skia encodes the PNG. No browser, no native module: the same code runs in Node
 * and in Deno's Jupyter kernel.
 */
export async function drawPng(
  view: View,
  width: number,
  height: number,
  scale: number,
): Promise<Png> {
  const kit = await (canvasKit ??= CanvasKitInit());
  fonts ??= loadFonts();
  const pixels = { width: Math.round(width * scale), height: Math.round(height * scale) };
  const canvas = kit.MakeCanvas(pixels.width, pixels.height);
  try {
    canvas.loadFont(fonts.regular, { family: CANVAS_FAMILY, style: 'normal', weight: 'normal' });
    canvas.loadFont(fonts.bold, { family: CANVAS_FAMILY, style: 'normal', weight: 'bold' });
    const context = canvas.getContext('2d') as unknown as TextContext | null;
    if (!context)
      throw new PlotError('CanvasKit gave no 2d context', {
        code: 'PLOT_NO_CANVAS',
        hint: 'canvaskit-wasm failed to load: reinstall it (npm ci)',
      });
    await view.toCanvas(scale, { externalContext: contextForVega(context) });
    const dataUrl = canvas.toDataURL('image/png');
    return {
      bytes: new Uint8Array(Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64')),
      ...pixels,
    };
  } finally {
    canvas.dispose();
  }
}
