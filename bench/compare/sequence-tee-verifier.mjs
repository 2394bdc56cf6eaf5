// SPDX-License-Identifier: Apache-2.0
// Times @0xsequence/tee-verifier (pure JavaScript: cbor2, PKI.js chain validation, WebCrypto, which Node backs with
// OpenSSL; nothing cached between calls) on OpenCCM's Nitro sample, to set beside
// ColdVerificationBenchmark.nitroDocument. Each verification does what the library's own createAttestationVerifyingFetch
// does: the chain from the document's leaf to cabundle[0] at a given date, cabundle[0]'s SHA-256 against AWS's
// published root fingerprint, and the COSE_Sign1 ES384 signature. Run it from a directory outside the repository
// where the library is installed:
//   cd "$(mktemp -d)" && npm install @0xsequence/tee-verifier@0.1.2 && node OPENCCM/bench/compare/sequence-tee-verifier.mjs OPENCCM/testdata 20
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { time } from './timing.mjs';

// rootCertFingerprint() calls window.crypto.subtle.
globalThis.window ??= globalThis;
const require = createRequire(process.cwd() + '/');
const { SignedAttestation } = await import(require.resolve('@0xsequence/tee-verifier'));

const dir = process.argv[2];
const seconds = Number(process.argv[3] ?? 10);
const doc = readFileSync(`${dir}/nitro/evervault-2022-10-13-nondebug.cbor`).toString('base64'); // the library takes base64
const checkDate = new Date('2022-10-13T10:00:00Z'); // the sample's recorded clock (testdata/SOURCES.md)
const AWS_ROOT = '641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b';

async function verify() {
  const att = SignedAttestation.fromDocument(doc);
  if (!(await att.verifyRootOfTrust(checkDate))) {
    throw new Error('Invalid root of trust');
  }
  if ((await att.rootCertFingerprint()) !== AWS_ROOT) {
    throw new Error('Invalid root certificate fingerprint');
  }
  if (!(await att.verifySignature())) {
    throw new Error('Invalid signature');
  }
  return att;
}

const first = await verify();
console.log('valid, module', first.raw.module_id);
await time('@0xsequence/tee-verifier (PKI.js + WebCrypto)', verify, seconds);
