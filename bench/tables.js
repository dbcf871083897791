#!/usr/bin/env node
// Markdown tables for docs/benchmarks.md from the JSON of bench:inference or bench:browser:
//   node bench/tables.js REPORT.json [--fixtures mlp,transformer]
// One row per fixture and batch: each kernel set's median, p99 and GFLOP/s, relaxed's speed-up
// over SIMD128, onnxruntime-web's median and p99, and native's ratio to it per kernel set.
import { readFileSync } from 'node:fs';

const [file, ...rest] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: node bench/tables.js REPORT.json [--fixtures NAME,NAME]');
  process.exit(2);
}
const i = rest.indexOf('--fixtures');
const keep = i >= 0 ? rest[i + 1].split(',') : undefined;
const report = JSON.parse(readFileSync(file, 'utf8'));
const models = report.fixtures ?? report.models;
const us = (x) => `${x >= 1000 ? x.toFixed(0) : x.toFixed(1)} µs`;
const setName = { relaxed: 'relaxed', simd: 'SIMD128', scalar: 'scalar' };

const first = models[0].results[0];
const sets = [first.kernels, ...(first.otherKernels ?? []).map((k) => k.kernels)];
const head = ['fixture', 'batch'];
for (const s of sets) head.push(`${setName[s]} median`, `${setName[s]} p99`, `${setName[s]} GFLOP/s`);
if (sets.includes('relaxed') && sets.includes('simd')) head.push('relaxed vs SIMD128');
head.push('ort-web median', 'ort-web p99', ...sets.map((s) => `ratio (${setName[s]})`));
const rows = [head, head.map((_h, j) => (j === 0 ? '---' : '--:'))];
for (const m of models) {
  if (keep !== undefined && !keep.some((k) => m.name.includes(k))) continue;
  m.results.forEach((r, n) => {
    const all = [{ kernels: r.kernels, ...r.native, ratio: r.ratio }, ...(r.otherKernels ?? [])];
    const by = Object.fromEntries(all.map((t) => [t.kernels, t]));
    const row = [n === 0 ? m.name : '', String(r.batch)];
    for (const s of sets) row.push(us(by[s].medianUs), us(by[s].p99Us), by[s].gflops > 0.05 ? by[s].gflops.toFixed(1) : '—');
    if (sets.includes('relaxed') && sets.includes('simd')) row.push(`${(by.simd.medianUs / by.relaxed.medianUs).toFixed(2)}×`);
    row.push(us(r.ortWeb.medianUs), us(r.ortWeb.p99Us), ...sets.map((s) => `${by[s].ratio.toFixed(2)}×`));
    rows.push(row);
  });
}
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
