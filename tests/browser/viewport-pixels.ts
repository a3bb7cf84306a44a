/** Reading the studio's 3D viewport back as pixels, to check what it draws. */
import type { Page } from 'playwright-core';

export interface ViewportPixels {
  /** Fraction of pixels that differ from the background. */
  drawn: number;
  /** Distinct colours (5 bits per channel). */
  colours: number;
  /** Brightness per pixel, (r + g + b) / 3, one character each: a string crosses to the test in
   * milliseconds, where an array of numbers took ≈ 2 s at 530 × 280. */
  sample: string;
}

/** The viewport drawn into a `width` × `height` copy (thin lines need a finer copy than the default to show). */
export async function viewportPixels(page: Page, width = 160, height = 100): Promise<ViewportPixels> {
  return page.evaluate(([width, height]) => {
    const canvas = document.querySelector('[data-testid="viewport"] canvas') as HTMLCanvasElement;
    const copy = document.createElement('canvas');
    copy.width = width;
    copy.height = height;
    const ctx = copy.getContext('2d')!;
    ctx.drawImage(canvas, 0, 0, copy.width, copy.height);
    const data = ctx.getImageData(0, 0, copy.width, copy.height).data;
    let drawn = 0;
    const colours = new Set<number>();
    const sample = new Array<string>(data.length / 4);
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
      if (Math.abs(r - 0x14) + Math.abs(g - 0x17) + Math.abs(b - 0x1c) > 24) drawn++;
      colours.add((r >> 3) * 1024 + (g >> 3) * 32 + (b >> 3));
      sample[i / 4] = String.fromCharCode(Math.round((r + g + b) / 3));
    }
    return { drawn: drawn / (data.length / 4), colours: colours.size, sample: sample.join('') };
  }, [width, height] as const);
}

/** Fraction of pixels whose brightness changed noticeably (by more than 10 of 255) between two captures. */
export function changedFraction(a: { sample: string }, b: { sample: string }): number {
  let changed = 0;
  for (let i = 0; i < b.sample.length; i++) if (Math.abs(b.sample.charCodeAt(i) - a.sample.charCodeAt(i)) > 10) changed++;
  return changed / b.sample.length;
}
