// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation;

/** The trusted execution environments OpenCCM registers images for and verifies evidence from. */
public enum Platform {
    /** Intel SGX enclaves (EDP or Enclave OS): MRENCLAVE, MRSIGNER, ISVPRODID, ISVSVN. */
    SGX,
    /** AWS Nitro Enclaves: PCR0-2 (and PCR8 for signed images), SHA-384. */
    NITRO,
    /** Azure Container Instances on SEV-SNP: the SHA-256 of the container policy is HOST_DATA. */
    ACI,
    /** Azure confidential VMs: vTPM PCR0-22 (SHA-256) under an SNP or TDX report. */
    AZURE_CVM,
    /** AMD SEV-SNP guests: launch MEASUREMENT and VMPL. */
    SEV_SNP,
    /** Intel TDX guests: MRTD and RTMR0-3. */
    TDX,
}
