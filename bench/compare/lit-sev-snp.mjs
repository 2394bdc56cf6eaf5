// SPDX-License-Identifier: Apache-2.0
// Times @lit-protocol/sev-snp-utils-sdk (LIT Protocol's sev-snp-utils-wasm: the virtee/sev crate compiled to
// WebAssembly with its built-in Milan ARK and ASK; nothing cached between calls) on OpenCCM's SEV-SNP sample, to set
// beside ColdVerificationBenchmark.snpReport. Each verification checks ARK self-signature, ARK->ASK and ASK->VCEK
// (RSASSA-PSS) and the report's ECDSA P-384 signature by the VCEK. The package requires pako without declaring it,
// so install it too. Run it from a directory outside the repository:
//   cd "$(mktemp -d)" && npm install @lit-protocol/sev-snp-utils-sdk@6.11.5 pako@2.2.0 && node OPENCCM/bench/compare/lit-sev-snp.mjs OPENCCM/testdata 20
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { time } from './timing.mjs';
import { X509Certificate } from 'node:crypto';

const require = createRequire(process.cwd() + '/');
const lit = require('@lit-protocol/sev-snp-utils-sdk');
await lit.initWasmSevSnpUtilsSdk();

const dir = process.argv[2];
const seconds = Number(process.argv[3] ?? 10);
// The library takes the report as base64 and the VCEK as DER. It reads no clock (certificate validity is not
// checked), so the sample's recorded clock, 2026-03-01T00:00:00Z, has no part here.
const report = readFileSync(`${dir}/sev-snp/msft-tav-milan-aci-report.bin`).toString('base64');
const vcek = new Uint8Array(new X509Certificate(readFileSync(`${dir}/sev-snp/msft-tav-milan-vcek.pem`)).raw);
const verify = () => lit.verify_attestation_report(report, vcek); // a promise, rejected if verification fails

await verify();
console.log('valid');
await time('@lit-protocol/sev-snp-utils-sdk verify_attestation_report (WebAssembly)', verify, seconds);
