/** Every example runs from a clean build and says what it promises. */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const examples = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.js'));

describe('examples', () => {
  it('there is at least one', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples)('%s runs and prints its result', async (file) => {
    const { stdout } = await exec('node', [join('examples', file)], { cwd: ROOT, timeout: 60_000 });
    expect(stdout.length).toBeGreaterThan(0);
    if (file === 'inference-quickstart.js') expect(stdout).toMatch(/actions on the last tick: (\d+ ){7}\d+/);
    if (file === 'sense-and-move.js') expect(stdout).toMatch(/no agent left the arena: true/);
    if (file === 'profile-a-tick.js')
      expect(stdout).toMatch(/game logic\s+p50\s+[\d.]+ µs[\s\S]*ticks over the 500 µs budget: \d+ of 2000/);
    if (file === 'gesture-spells.js') {
      const [, recognized, total] = /recognized (\d+) of (\d+) strokes/.exec(stdout) ?? [];
      expect(Number(recognized) / Number(total)).toBeGreaterThanOrEqual(0.9);
      expect(stdout).toMatch(/backend native/);
    }
    if (file === 'match-5v5.js') expect(stdout).toMatch(/AI tick\s+median\s+[\d.]+ µs/);
    if (file === 'record-your-game.js') expect(stdout).toMatch(/recorded 4 episodes, [1-9]\d+ frames of \d+ floats/);
  });

  it('import only public entry points', () => {
    for (const file of examples) {
      const source = readFileSync(join(ROOT, 'examples', file), 'utf8');
      for (const m of source.matchAll(/from ['"]([^'"]+)['"]/g))
        expect(m[1]).toMatch(
          /^(node:|tickmind($|\/(core|inference|sensors|actuators|physics|navigation|ecs|policy|profiling|dataset|training|node|models)$))/,
        );
    }
  });
});
