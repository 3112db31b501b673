import { PlotError } from './errors.js';
import { existsSync, readFileSync } from 'node:fs';

/**
 * The font families a chart's text is drawn in, as Vega writes them into the SVG: the first is
 * the one the PNG is drawn with, the others are what a viewer of the SVG falls back to.
 */
export const FONT_FAMILY = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';

/** A regular and a bold face of one family, as TrueType files. */
export interface FontFiles {
  readonly family: string;
  readonly regular: string;
  readonly bold: string;
}

/**
 * Where the usual sans-serif faces live: Debian's fonts-dejavu-core, the Liberation fonts of
 * the Jupyter Docker Stacks (Ubuntu), Red Hat's dejavu-sans-fonts, and macOS's Arial. The PNG
 * is drawn in the first family found; CanvasKit has no font of its own and reads no system
 * font configuration, so the files are named here.
 */
export const FONT_CANDIDATES: readonly FontFiles[] = Object.freeze([
  {
    family: 'DejaVu Sans',
    regular: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
    bold: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  },
  {
    family: 'DejaVu Sans',
    regular: '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf',
    bold: '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf',
  },
  {
    family: 'Liberation Sans',
    regular: '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
    bold: '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf',
  },
  {
    family: 'Arial',
    regular: '/System/Library/Fonts/Supplemental/Arial.ttf',
    bold: '/System/Library/Fonts/Supplemental/Arial Bold.ttf',
  },
]);

/** No font to draw a chart's text with was found where {@link FONT_CANDIDATES} look. */
export class FontNotFoundError extends PlotError {
  override readonly name = 'FontNotFoundError';
  constructor(readonly tried: readonly string[]) {
    const hint =
      'Install one: apt-get install fonts-dejavu-core (Debian, Ubuntu), dnf install dejavu-sans-fonts (Fedora)';
    super(`no font to draw chart text with: none of ${tried.join(', ')} exists. ${hint}`, {
      code: 'PLOT_FONT_NOT_FOUND',
      hint,
    });
  }
}

/** The bytes of a regular and a bold face. */
export interface LoadedFonts {
  readonly family: string;
  readonly regular: Uint8Array;
  readonly bold: Uint8Array;
}

/** Reads the first family of `candidates` whose regular and bold files both exist. */
export function loadFonts(candidates: readonly FontFiles[] = FONT_CANDIDATES): LoadedFonts {
  const found = candidates.find((c) => existsSync(c.regular) && existsSync(c.bold));
  if (!found) throw new FontNotFoundError(candidates.flatMap((c) => [c.regular, c.bold]));
  return {
    family: found.family,
    regular: new Uint8Array(readFileSync(found.regular)),
    bold: new Uint8Array(readFileSync(found.bold)),
  };
}
