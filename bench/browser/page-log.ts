/** What both benchmark pages share: a log line into the page and the console, and the clock's step. */

const logEl = document.getElementById('log')!;

/** Appends a line to the page's log (and the console, which bench/browser.js relays). */
export function log(line: string): void {
  console.log(line);
  logEl.textContent += `\n${line}`;
}

/** The page says it is ready for the driver. */
export function ready(): void {
  logEl.textContent = 'ready';
}

/** The smallest nonzero step of performance.now(), over a few hundred steps, µs. */
export function timerResolutionUs(): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    let t1 = t0;
    while (t1 === t0) t1 = performance.now();
    best = Math.min(best, t1 - t0);
  }
  return Math.round(best * 1e6) / 1e3;
}
