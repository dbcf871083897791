/**
 * tickmind: a Game-AI SDK. Ray-cast sensing, transformer movement policies, and an
 * inference core that fits a sub-millisecond budget per tick, in Node and the browser.
 *
 * The root entry re-exports the public API; subpaths (`tickmind/core`,
 * `tickmind/inference`, `tickmind/sensors`, `tickmind/actuators`) expose each module on its own.
 * @module tickmind
 */

export * from './actuators/index.js';
export * from './core/index.js';
export * from './inference/index.js';
export * from './sensors/index.js';
