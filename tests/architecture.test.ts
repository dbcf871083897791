/**
 * Guards the layering table of ../shared/DESIGN.md: which sdk module may import which,
 * which packages each may use, and that onnxruntime-web is only imported dynamically from
 * sdk/inference/backends/ort.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const SDK = join(ROOT, 'sdk');

/** module -> sdk modules it may import, and packages it may import. */
const LAYERS: Record<string, { modules: string[]; packages: string[] }> = {
  core: { modules: [], packages: [] },
  inference: { modules: ['core'], packages: ['onnxruntime-web'] },
  sensors: { modules: ['core'], packages: [] },
  physics: { modules: ['core', 'sensors'], packages: ['@dimforge/rapier3d-compat'] },
  navigation: { modules: ['core', 'sensors'], packages: [] },
  demos: { modules: ['core', 'sensors', 'physics', 'navigation', 'actuators', 'dataset'], packages: [] },
  policy: { modules: ['core', 'inference'], packages: [] },
  actuators: { modules: ['core'], packages: [] },
  profiling: { modules: ['core'], packages: [] },
  dataset: { modules: ['core'], packages: ['hyparquet-writer', 'fflate'] },
  training: { modules: ['core', 'inference', 'dataset'], packages: [] },
  ecs: {
    modules: ['core', 'inference', 'sensors', 'physics', 'navigation', 'policy', 'actuators', 'profiling', 'dataset', 'training'],
    packages: ['bitecs'],
  },
  cli: {
    modules: [
      'core',
      'inference',
      'sensors',
      'physics',
      'navigation',
      'policy',
      'actuators',
      'profiling',
      'dataset',
      'training',
      'ecs',
      'demos',
    ],
    packages: [],
  },
};

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'assembly' ? [] : tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Static and dynamic import specifiers of a source file. */
function imports(source: string): { spec: string; dynamic: boolean }[] {
  const found: { spec: string; dynamic: boolean }[] = [];
  for (const m of source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]/g))
    found.push({ spec: m[1]!, dynamic: false });
  for (const m of source.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)) found.push({ spec: m[1]!, dynamic: false });
  for (const m of source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ spec: m[1]!, dynamic: true });
  return found;
}

const files = tsFiles(SDK).filter((f) => !f.endsWith('.generated.ts'));

describe('layering (DESIGN.md)', () => {
  it('every sdk folder is a module of the table', () => {
    const modules = readdirSync(SDK).filter((n) => statSync(join(SDK, n)).isDirectory());
    for (const m of modules) expect(Object.keys(LAYERS), `sdk/${m} is not in the layering table`).toContain(m);
  });

  it.each(files.map((f) => relative(ROOT, f)))('%s imports only what its layer allows', (file) => {
    const module = relative(SDK, join(ROOT, file)).split('/')[0]!;
    const source = readFileSync(join(ROOT, file), 'utf8');
    const allowed = module.endsWith('.ts') ? { modules: Object.keys(LAYERS), packages: [] } : LAYERS[module]!;
    for (const { spec, dynamic } of imports(source)) {
      if (spec.startsWith('node:')) {
        expect(['cli'], `${file}: Node built-in ${spec}`).toContain(module);
        continue;
      }
      if (spec.startsWith('.')) {
        const target = relative(SDK, join(ROOT, file, '..', spec)).split('/')[0]!;
        if (target === module || target.endsWith('.js')) continue;
        expect(allowed.modules, `${file} imports sdk/${target}`).toContain(target);
        if (module === 'cli') expect(spec, `${file}: cli must import public entries`).toMatch(/\/index\.js$/);
        continue;
      }
      const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
      expect(allowed.packages, `${file} imports package ${pkg}`).toContain(pkg);
      if (pkg === 'onnxruntime-web') {
        expect(file, 'onnxruntime-web outside the ort backend').toBe('sdk/inference/backends/ort.ts');
        expect(dynamic, 'onnxruntime-web must be imported dynamically').toBe(true);
      }
    }
  });

  it('physics imports sensors for types only', () => {
    for (const f of files.filter((x) => relative(SDK, x).startsWith('physics/'))) {
      for (const m of readFileSync(f, 'utf8').matchAll(/^import (type )?[^;]*from '(\.\.\/sensors\/[^']+)'/gm)) {
        expect(m[1], `${relative(ROOT, f)} imports ${m[2]} as values`).toBe('type ');
      }
    }
  });

  it('Rapier (an optional peer) is loaded only through tickmind/physics/rapier, and the arena imports that lazily', () => {
    const rapierEntry = join(SDK, 'physics', 'rapier');
    for (const f of files) {
      for (const { spec } of imports(readFileSync(f, 'utf8'))) {
        const inRapier = f.startsWith(rapierEntry);
        if (spec.startsWith('@dimforge/')) expect(inRapier, `${relative(ROOT, f)} imports ${spec}`).toBe(true);
        if (spec.startsWith('.') && !inRapier)
          expect(join(f, '..', spec).startsWith(rapierEntry), `${relative(ROOT, f)} imports ${spec}`).toBe(false);
      }
    }
    for (const f of tsFiles(join(ROOT, 'sandbox', 'arena'))) {
      for (const { spec, dynamic } of imports(readFileSync(f, 'utf8'))) {
        if (spec.includes('physics/rapier'))
          expect(relative(ROOT, f), `${spec}: only the arena's Rapier movement imports it`).toBe(
            join('sandbox', 'arena', 'game', 'rapier-movement.ts'),
          );
        if (spec.endsWith('rapier-movement.js')) expect(dynamic, `${relative(ROOT, f)} imports ${spec} statically`).toBe(true);
      }
    }
  });

  it('only profiling reads a clock', () => {
    for (const f of files.filter((x) => !relative(SDK, x).startsWith('profiling/'))) {
      expect(readFileSync(f, 'utf8'), relative(ROOT, f)).not.toMatch(/performance\.now\(|Date\.now\(|process\.hrtime/);
    }
  });

  it('the headless arena (sandbox/arena) imports only public sdk entries, and no three.js', () => {
    const arena = tsFiles(join(ROOT, 'sandbox', 'arena'));
    expect(arena.length).toBeGreaterThan(10);
    for (const f of arena) {
      for (const { spec } of imports(readFileSync(f, 'utf8'))) {
        if (spec.startsWith('.') && join(f, '..', spec).startsWith(SDK))
          expect(spec, `${relative(ROOT, f)} reaches into sdk internals`).toMatch(/sdk\/[a-z]+(\/rapier)?\/index\.js$/);
        expect(spec, relative(ROOT, f)).not.toMatch(/^three/);
      }
    }
  });

  it('the browser sandbox (sandbox/web) reaches the sdk through public entries only, in one module', () => {
    const web = tsFiles(join(ROOT, 'sandbox', 'web'));
    expect(web.length).toBeGreaterThan(10);
    for (const f of web) {
      for (const { spec } of imports(readFileSync(f, 'utf8'))) {
        if (!spec.startsWith('.') || !join(f, '..', spec).startsWith(SDK)) continue;
        expect(relative(ROOT, f), `${spec}: only sandbox/web/src/sdk.ts imports the sdk`).toBe(join('sandbox', 'web', 'src', 'sdk.ts'));
        expect(spec, `${relative(ROOT, f)} reaches into sdk internals`).toMatch(/sdk\/[a-z]+\/index\.js$/);
      }
    }
  });

  it('three.js never enters sdk/', () => {
    for (const f of files) expect(readFileSync(f, 'utf8')).not.toMatch(/from ['"]three['"]/);
  });
});
