#!/usr/bin/env node
// node scripts/eval-picture.js REPORT.html OUT.png — the occupancy heatmaps of a `tickmind eval
// --report` page as a picture (the README's), through Debian's chromium (playwright-core; no
// browser download). npm run models calls it for the joint model when chromium is installed.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [report, out] = process.argv.slice(2);
if (report === undefined || out === undefined) {
  console.error('usage: node scripts/eval-picture.js REPORT.html OUT.png');
  process.exit(2);
}
const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
if (executablePath === undefined) {
  console.error('eval-picture: no chromium (sudo apt-get install chromium, or set CHROMIUM_PATH)');
  process.exit(1);
}
const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1200 }, deviceScaleFactor: 2 });
  await page.goto(pathToFileURL(resolve(report)).href);
  // From the "Occupancy" heading to the last heatmap.
  const box = await page.evaluate(() => {
    const heading = [...document.querySelectorAll('h2')].find((h) => h.textContent?.startsWith('Occupancy'));
    const figures = [...document.querySelectorAll('figure')];
    if (heading === undefined || figures.length === 0) return null;
    // The heading is a full-width block: its top and left only; the figures give the width.
    const head = heading.getBoundingClientRect();
    const rects = figures.map((el) => el.getBoundingClientRect());
    const x = Math.min(head.left, ...rects.map((r) => r.left));
    const right = Math.max(...rects.map((r) => r.right));
    const bottom = Math.max(...rects.map((r) => r.bottom));
    return { x: x - 8, y: head.top - 8, width: right - x + 16, height: bottom - head.top + 16 };
  });
  if (box === null) throw new Error(`${report}: no occupancy heatmaps (is it a tickmind eval report?)`);
  await page.screenshot({ path: out, clip: box });
  console.log(`eval-picture: ${out}`);
} finally {
  await browser.close();
}
