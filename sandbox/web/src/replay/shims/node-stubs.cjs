/**
 * What demofile takes from Node's `timers`, `util`, `url` and `https`, for the sandbox's demo
 * worker. demofile parses one command per `setImmediate` and yields with `setTimeout` every 32 ms,
 * so `setImmediate` is a microtask here (a timer would clamp to 4 ms per command); `https` (demo
 * broadcasts over HTTP) is not available in the page.
 */
'use strict';

const pending = new Set();
let next = 1;

function setImmediate(f, ...args) {
  const id = next++;
  pending.add(id);
  queueMicrotask(() => {
    if (pending.delete(id)) f(...args);
  });
  return id;
}

function clearImmediate(id) {
  pending.delete(id);
}

function unavailable() {
  throw new Error('demo broadcasts (https) are not read in the browser');
}

module.exports = {
  setImmediate,
  clearImmediate,
  setTimeout: (f, ms, ...args) => globalThis.setTimeout(f, ms, ...args),
  clearTimeout: (id) => globalThis.clearTimeout(id),
  TextEncoder: globalThis.TextEncoder,
  TextDecoder: globalThis.TextDecoder,
  URL: globalThis.URL,
  URLSearchParams: globalThis.URLSearchParams,
  get: unavailable,
  request: unavailable,
};
