/**
 * Node's `assert` as demofile calls it (`assert(value, message)`), for the sandbox's demo worker.
 * CommonJS so that `require('assert')` is the function itself.
 */
'use strict';

function assert(value, message) {
  if (!value) throw message instanceof Error ? message : new Error(message === undefined ? 'assertion failed' : String(message));
}
assert.ok = assert;
module.exports = assert;
