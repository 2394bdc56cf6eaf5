// SPDX-License-Identifier: Apache-2.0
// Times @evervault/attestation-bindings (Evervault's attestation-doc-validation crate 0.6.3 as a native Node addon:
// webpki + ring chain to the embedded AWS Nitro root, COSE_Sign1 ES384, then user_data == the TLS certificate's
// public key; nothing cached between calls). Its only entry point needs a document whose user_data is a
// certificate's SubjectPublicKeyInfo, so it runs on OpenCCM's 2023-09-18 sample (same 5-certificate chain and ES384
// signature as the sample of ColdVerificationBenchmark.nitroDocument). The addon reads the system clock, so run it
// under libfaketime (Debian package faketime) at the sample's recorded clock, from a directory outside the repository:
//   cd "$(mktemp -d)" && npm install @evervault/attestation-bindings@1.0.0 && \
//   TZ=UTC FAKETIME='@2023-09-18 16:00:00' DONT_FAKE_MONOTONIC=1 \
//   LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 node OPENCCM/bench/compare/evervault-nitro-native.mjs OPENCCM/testdata 20
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { time } from './timing.mjs';

const require = createRequire(process.cwd() + '/');
const { attestEnclave } = require('@evervault/attestation-bindings');

const dir = process.argv[2];
const seconds = Number(process.argv[3] ?? 10);
const cert = readFileSync(`${dir}/nitro/evervault-2023-09-18-bound-tls-cert.der`);
const doc = readFileSync(`${dir}/nitro/evervault-2023-09-18-debug.cbor`);
// The leaf certificate of the document is valid 2023-09-18T14:37:09Z..17:37:12Z.
const clock = new Date();
if (clock < new Date('2023-09-18T14:37:10Z') || clock > new Date('2023-09-18T17:00:00Z')) {
  console.error(`the process clock is ${clock.toISOString()}: run under libfaketime at 2023-09-18 16:00:00 UTC (see above)`);
  process.exit(2);
}
// An empty list of expected PCRs: validate the signature, the chain and the key binding only.
const verify = () => attestEnclave(cert, [], doc);

const first = verify();
console.log('valid', first, 'at', clock.toISOString());
if (!first) {
  process.exit(1);
}
await time('@evervault/attestation-bindings attestEnclave (native addon)', verify, seconds);
