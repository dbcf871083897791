/** What the `tickmind` bin lends the SDK's CLI from the arena: maps for `profile`, the engine of `record`. */

export { evaluatePolicy } from './eval/evaluate.js';
export { evalReportHtml } from './eval/report.js';
export { profileMaps } from './profile-maps.js';
export { recordRounds } from './recording/record-rounds.js';
