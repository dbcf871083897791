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
process.exitCode = await cli.main(process.argv.slice(2), pkg.version);
