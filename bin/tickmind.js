#!/usr/bin/env node
// The `tickmind` command. The CLI itself is compiled TypeScript in dist/ (built on install).
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
let cli;
try {
  cli = await import('../dist/sdk/cli/main.js');
} catch (err) {
  process.stderr.write(`tickmind: the CLI is not built (${err.message}); run 'npm run build' first\n`);
  process.exit(1);
}
// The sandbox arena (maps for `tickmind profile --map` and `import-demo`, the engines of `tickmind record` and `eval`), in a checkout
// of the repository; an installed package ships the SDK alone and keeps the built-in arena.
let profileMaps = {};
let recordRounds;
let evaluation;
let demoMapsModule;
try {
  const arena = await import('../dist/sandbox/arena/cli-extensions.js');
  ({ profileMaps, recordRounds, demoMapsModule } = arena);
  evaluation = {
    evaluatePolicy: arena.evaluatePolicy,
    evalReportHtml: arena.evalReportHtml,
    evaluateHumanLikeness: arena.evaluateHumanLikeness,
    humanReportHtml: arena.humanReportHtml,
  };
} catch (err) {
  if (err.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('cli-extensions.js')) throw err;
}
process.exitCode = await cli.main(process.argv.slice(2), pkg.version, { profileMaps, recordRounds, evaluation, demoMapsModule });
