// SPDX-License-Identifier: Apache-2.0
// Times @phala/dcap-qvl (pure JavaScript DCAP verification, no caching) on OpenCCM's SGX sample, to set beside
// ColdVerificationBenchmark.sgxQuote. Run it from a directory outside the repository where the library is installed:
//   cd "$(mktemp -d)" && npm install @phala/dcap-qvl@0.3.9 && node OPENCCM/bench/compare/dcap-qvl.mjs OPENCCM/testdata 20 [pure]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { time } from './timing.mjs';
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
await time(`@phala/dcap-qvl verify (${pure ? 'pure JavaScript' : 'node:crypto'})`, () => verify(quote, collateral, now), seconds);
