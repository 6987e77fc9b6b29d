// Screenshot baselines: a view's PNG compared with the one committed under test/e2e/screenshots/, pixel by pixel
// with a tolerance (anti-aliasing differs by a shade here and there). The PNGs are decoded by the browser itself (a
// blank page's canvas), so no image library is needed. UPDATE_SCREENSHOTS=1 writes the baselines instead: look at
// every one before committing it.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { repoRoot } from './server.js';

export const SCREENSHOT_DIR = join(repoRoot, 'test/e2e/screenshots');
export const updating = process.env.UPDATE_SCREENSHOTS === '1';

/** A channel differing by more than this (of 255) makes a pixel count as different. */
const CHANNEL_TOLERANCE = 40;
/** At most this share of the pixels may differ. */
const PIXEL_TOLERANCE = 0.002;

export interface Comparison {
  width: number;
  height: number;
  /** Pixels that differ beyond the channel tolerance. */
  different: number;
  sameSize: boolean;
}

/** Compares two PNGs in a blank page of `context`. */
export async function comparePngs(context: BrowserContext, actual: Buffer, expected: Buffer): Promise<Comparison> {
  const page = await context.newPage();
  try {
    return (await page.evaluate(
      `(async ([a, b, tolerance]) => {
        const decode = async (b64) => {
          const bitmap = await createImageBitmap(await (await fetch('data:image/png;base64,' + b64)).blob());
          const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
          const ctx = canvas.getContext('2d');
          ctx.drawImage(bitmap, 0, 0);
          return { width: bitmap.width, height: bitmap.height, data: ctx.getImageData(0, 0, bitmap.width, bitmap.height).data };
        };
        const [x, y] = await Promise.all([decode(a), decode(b)]);
        if (x.width !== y.width || x.height !== y.height) return { width: x.width, height: x.height, different: x.width * x.height, sameSize: false };
        let different = 0;
        for (let i = 0; i < x.data.length; i += 4) {
          if (Math.abs(x.data[i] - y.data[i]) > tolerance || Math.abs(x.data[i + 1] - y.data[i + 1]) > tolerance || Math.abs(x.data[i + 2] - y.data[i + 2]) > tolerance) different++;
        }
        return { width: x.width, height: x.height, different, sameSize: true };
      })(${JSON.stringify([actual.toString('base64'), expected.toString('base64'), CHANNEL_TOLERANCE])})`,
    )) as Comparison;
  } finally {
    await page.close();
  }
}

/**
 * Checks a screenshot against its baseline `<name>.png`; returns a problem to report, or null when it matches.
 * Updating (or a missing baseline) writes the PNG; a missing one is still reported, so it gets looked at.
 */
export async function checkBaseline(context: BrowserContext, name: string, png: Buffer): Promise<string | null> {
  const baseline = join(SCREENSHOT_DIR, `${name}.png`);
  if (updating || !existsSync(baseline)) {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    writeFileSync(baseline, png);
    return updating ? null : `${name}: no baseline; wrote ${baseline} (look at it, then commit it)`;
  }
  const result = await comparePngs(context, png, readFileSync(baseline));
  if (result.sameSize && result.different <= PIXEL_TOLERANCE * result.width * result.height) return null;
  const out = join(mkdtempSync(join(tmpdir(), 'wb-screenshot-')), `${name}.actual.png`);
  writeFileSync(out, png);
  return result.sameSize
    ? `${name}: ${result.different} of ${result.width * result.height} pixels differ (tolerance ${PIXEL_TOLERANCE * 100} %); actual: ${out}; UPDATE_SCREENSHOTS=1 rewrites the baselines`
    : `${name}: the size changed (${result.width}x${result.height}); actual: ${out}`;
}
