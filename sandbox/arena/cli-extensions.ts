/** What the `tickmind` bin lends the SDK's CLI from the arena: maps for `profile` and `import-demo`, the engines of `record` and `eval`. */

export { evaluatePolicy } from './eval/evaluate.js';
export { evaluateHumanLikeness } from './eval/likeness/human-eval.js';
export { humanReportHtml } from './eval/likeness/report.js';
export { evalReportHtml } from './eval/report.js';
export { profileMaps } from './profile-maps.js';
export { recordRounds } from './recording/record-rounds.js';

/** The maps module of `tickmind import-demo` (its worker threads import it by this URL). */
export const demoMapsModule: string = new URL('./demo-maps.js', import.meta.url).href;
