/**
 * `npm ci` (what CI and most users' pipelines run) refuses a lock file that misses any dependency
 * of a locked package — optional platform binaries included. npm drops optional packages the
 * registry cannot serve when it writes the lock, so this checks what `npm ci` checks, offline.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const ROOT = join(import.meta.dirname, '..');
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as LockEntry;

/** Node's lookup: `a/node_modules/b` finds `dep` in its own node_modules, then each parent's. */
function resolves(from: string, dep: string): boolean {
  let dir = from;
  for (;;) {
    const candidate = dir === '' ? `node_modules/${dep}` : `${dir}/node_modules/${dep}`;
    if (candidate in lock.packages) return true;
    if (dir === '') return false;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut < 0 ? '' : dir.slice(0, cut);
  }
}

describe('package-lock.json', () => {
  it('locks every dependency of every locked package (what npm ci checks)', () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const deps = { ...entry.dependencies, ...entry.optionalDependencies };
      if (path === '') Object.assign(deps, entry.devDependencies);
      for (const dep of Object.keys(deps)) {
        if (!resolves(path, dep)) missing.push(`${path || '(root)'} → ${dep}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('records the same direct dependencies as package.json', () => {
    const root = lock.packages[''] ?? {};
    expect(root.dependencies ?? {}).toEqual(manifest.dependencies ?? {});
    expect(root.devDependencies ?? {}).toEqual(manifest.devDependencies ?? {});
    expect(root.optionalDependencies ?? {}).toEqual(manifest.optionalDependencies ?? {});
  });
});
