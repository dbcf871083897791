/**
 * `tickmind/node`: what only Node has — dataset files under a directory (a sink that writes each
 * file atomically, a source that reads them), for the recorder and readers of `tickmind/dataset`.
 * @module node
 */

export { directorySink, directorySource } from './files.js';
