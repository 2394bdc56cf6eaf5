// SPDX-License-Identifier: Apache-2.0
// Times @evervault/wasm-attestation-bindings (Evervault's attestation-doc-validation crate compiled to WebAssembly:
// webpki chain to the embedded AWS Nitro root, COSE_Sign1 ES384 with RustCrypto p384; nothing cached between calls)
// on OpenCCM's Nitro sample, to set beside ColdVerificationBenchmark.nitroDocument. Run it from a directory outside
// the repository where the library is installed:
//   cd "$(mktemp -d)" && npm install @evervault/wasm-attestation-bindings@0.3.1 && node OPENCCM/bench/compare/evervault-nitro-wasm.mjs OPENCCM/testdata 20
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { time } from './timing.mjs';

const require = createRequire(process.cwd() + '/');
const pkg = require.resolve('@evervault/wasm-attestation-bindings/package.json').replace(/package\.json$/, '');
const { initSync, validateAttestationDocPcrs } = await import(pkg + 'index.js');
initSync({ module: readFileSync(pkg + 'index_bg.wasm') });

const dir = process.argv[2];
const seconds = Number(process.argv[3] ?? 10);
// The library takes the document as base64 and reads the time only through JavaScript's Date.now(), which is set
// here to the sample's recorded clock (testdata/SOURCES.md): its leaf certificate expired on the day it was made.
// performance.now(), used for timing, is not touched.
const doc = readFileSync(`${dir}/nitro/evervault-2022-10-13-nondebug.cbor`).toString('base64');
const now = Date.parse('2022-10-13T10:00:00Z');
Date.now = () => now;
// An empty list of expected PCRs: validate the signature and the chain only, as OpenCCM's benchmark does.
const verify = () => validateAttestationDocPcrs(doc, []);

const first = verify();
console.log('valid', first);
if (!first) {
  process.exit(1);
}
await time('@evervault/wasm-attestation-bindings validateAttestationDocPcrs (WebAssembly)', verify, seconds);
