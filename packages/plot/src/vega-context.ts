/** What the adapter touches of a Canvas 2D context; Vega's renderer uses the rest as it is. */
export interface TextContext {
  font: string;
  textAlign: string;
  fillText(text: string, x: number, y: number): void;
  strokeText(text: string, x: number, y: number): void;
  measureText(text: string): { readonly width: number };
}

/** The family CanvasKit knows the chart's fonts by (see `loadFont` in draw-png.ts). */
export const CANVAS_FAMILY = 'datapark-plot';

/**
 * `bold 11px DejaVu Sans, sans-serif` as CanvasKit's emulated canvas can parse it: one family,
 * the one loaded into it, in the weight asked for (bold from 600 on, as CSS rounds).
 */
export function canvasFont(cssFont: string): string {
  const size = /(\d+(?:\.\d+)?)px/.exec(cssFont)?.[1] ?? '11';
  const bold = /\bbold(?:er)?\b|\b[6-9]00\b/.test(cssFont);
  return `${bold ? 'bold ' : ''}${size}px ${CANVAS_FAMILY}`;
}

/**
 * Vega's canvas renderer drawing into CanvasKit's emulated Canvas 2D context. The emulation
 * (canvaskit-wasm 0.42) draws every text left-aligned whatever `textAlign` says and reads only
 * one font family, so titles and right-aligned axis labels would land in the wrong place:
 * here `fillText`/`strokeText` shift the text by its measured width instead, and `font` names
 * the family loaded into the canvas. Everything else passes through to the context.
 */
export function contextForVega<C extends TextContext>(context: C): C {
  let align = 'left';
  const shifted = (text: string, x: number): number => {
    if (align === 'left' || align === 'start') return x;
    const width = context.measureText(text).width;
    return align === 'center' ? x - width / 2 : x - width;
  };
  return new Proxy(context, {
    set(target, property, value: unknown) {
      if (property === 'textAlign') align = String(value);
      else if (property === 'font') target.font = canvasFont(String(value));
      else Reflect.set(target, property, value);
      return true;
    },
    get(target, property) {
      if (property === 'textAlign') return align;
      if (property === 'fillText' || property === 'strokeText') {
        return (text: string, x: number, y: number) => target[property](text, shifted(text, x), y);
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}
