/**
 * Launching Debian's chromium for the end-to-end tests through playwright-core (no browser
 * download): software WebGL through SwiftShader. `.ci/run` installs the package with apt-get.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The chromium executable, or an error that says how to get one. */
export function chromiumPath(): string {
  const found = CANDIDATES.find((p) => p !== undefined && p !== '' && existsSync(p));
  if (found === undefined)
    throw new Error(
      "no chromium found for the browser tests: install Debian's package (sudo apt-get install chromium) or set CHROMIUM_PATH",
    );
  return found;
}

/** A headless chromium with software WebGL. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--no-sandbox'],
  });
}
