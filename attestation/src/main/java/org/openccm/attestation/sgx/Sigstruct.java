// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.sgx;

/**
 * The identity an SGX enclave's SIGSTRUCT declares, read only after its signature was verified.
 *
 * @param mrEnclave ENCLAVEHASH, 64 lower-case hex characters
 * @param mrSigner SHA-256 of the signer's RSA modulus as stored (little-endian), 64 lower-case hex characters
 * @param vendor 0 or 0x8086 (Intel)
 * @param date BCD yyyymmdd as stored, e.g. 0x20161214
 * @param attributes ATTRIBUTES, 32 hex characters
 * @param attributeMask ATTRIBUTEMASK, 32 hex characters
 */
public record Sigstruct(
        String mrEnclave,
        String mrSigner,
        int isvProdId,
        int isvSvn,
        int vendor,
        int date,
        int miscSelect,
        int miscMask,
        String attributes,
        String attributeMask) {}
