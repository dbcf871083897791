/** The public API is documented: TypeDoc renders it with every export documented and no broken link. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const exec = promisify(execFile);

it('npm run docs succeeds with no warnings (undocumented exports, broken links)', async () => {
  const root = join(import.meta.dirname, '..');
  const typedoc = join(root, 'node_modules', 'typedoc', 'bin', 'typedoc');
  const { stdout, stderr } = await exec('node', [typedoc, '--emit', 'none', '--treatWarningsAsErrors'], { cwd: root, timeout: 180_000 });
  expect(`${stdout}${stderr}`).not.toMatch(/\[warning\]|\[error\]/);
});

it("the README's and models/README's metric tables are what models/*.eval.json say (generated, never edited by hand)", async () => {
  const root = join(import.meta.dirname, '..');
  const r = await exec('node', [join(root, 'scripts', 'model-tables.js'), '--check'], { cwd: root }).catch((e) => e);
  expect(`${r.stdout}${r.stderr}`).toMatch(/model tables up to date/);
});
