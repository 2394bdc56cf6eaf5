// SPDX-License-Identifier: Apache-2.0
// Times @phala/dcap-qvl (pure JavaScript DCAP verification, no caching) on OpenCCM's SGX sample, to set beside
// ColdVerificationBenchmark.sgxQuote. Run it from a directory outside the repository where the library is installed:
//   cd "$(mktemp -d)" && npm install @phala/dcap-qvl@0.3.9 && node OPENCCM/bench/compare/dcap-qvl.mjs OPENCCM/testdata 20 [pure]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
// In Node the library verifies through node:crypto (OpenSSL); with "pure" it takes its browser path (elliptic, pure
// JavaScript), which it picks when a global window exists.
const pure = process.argv[4] === 'pure';
if (pure) {
  globalThis.window = {};
}
const require = createRequire(process.cwd() + '/');
const { verify } = require('@phala/dcap-qvl');

const dir = process.argv[2];
const seconds = Number(process.argv[3] ?? 10);
const quote = readFileSync(`${dir}/sgx-dcap/phala-sgx-v3-quote.bin`);
const collateral = JSON.parse(readFileSync(`${dir}/sgx-dcap/phala-sgx-v3-collateral.json`, 'utf8'));
const now = Date.parse('2025-07-01T00:00:00Z') / 1000;

const first = verify(quote, collateral, now);
console.log('status', first.status);
function run(ms) {
  const end = performance.now() + ms;
  const times = [];
  while (performance.now() < end) {
    const t = performance.now();
    verify(quote, collateral, now);
    times.push(performance.now() - t);
  }
  return times;
}
run(Math.min(5000, seconds * 500)); // warm-up
const times = run(seconds * 1000).sort((a, b) => a - b);
const mean = times.reduce((a, b) => a + b, 0) / times.length;
const us = (x) => (x * 1000).toFixed(0);
console.log(`@phala/dcap-qvl verify (${pure ? 'pure JavaScript' : 'node:crypto'}): n=${times.length} mean ${us(mean)} us, min ${us(times[0])} us, median ${us(times[times.length >> 1])} us`);
