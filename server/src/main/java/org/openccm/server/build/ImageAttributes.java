// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

import java.util.List;

/**
 * CCM's ImageAttributes: at most one platform's reference values. Field and enum spellings are CCM's, which is why
 * some enum constants are not upper case.
 */
public record ImageAttributes(
        Sgx sgx,
        NitroEnclave nitroEnclave,
        Aci aci,
        AzureCvm azureCvm,
        BaremetalTdx baremetalTdx,
        BaremetalAmdSevSnp baremetalAmdSevSnp) {

    public record Sgx(String mrenclave, List<String> features) {}

    /** PCR8 is an OpenCCM addition: the signing certificate's PCR of a signed EIF. */
    public record NitroEnclave(NitroHashAlgorithm hashAlgorithm, String pcr0, String pcr1, String pcr2, String pcr8) {}

    public enum NitroHashAlgorithm {
        Sha384,
    }

    /** {@code policy} is the base64 of the confidential-container policy (Rego) that ACI enforces. */
    public record Aci(String policy) {
        /** What ACI puts into the SEV-SNP report's HOST_DATA: SHA-256 of the policy text (not of its base64), hex. */
        public String hostData() {
            try {
                return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(java.util.Base64.getDecoder().decode(policy.replaceAll("\\s", ""))));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public record AzureCvm(AzureCvmPcrs pcrs, List<Coprocessor> coprocessors) {}

    public record BaremetalTdx(
            String mrtd, String rtmr0, String rtmr1, String rtmr2, String rtmr3, List<Coprocessor> coprocessors) {}

    public record BaremetalAmdSevSnp(String measurement, Vmpl vmpl, List<Coprocessor> coprocessors) {}

    public enum Vmpl {
        vmpl0,
        vmpl1,
        vmpl2,
        vmpl3,
    }

    /** An attached accelerator, today an NVIDIA GPU, whose attestation is Ignored (only present) or Required. */
    public record Coprocessor(CoprocessorAttestation attestation, GpuVendor gpuVendor) {}

    public enum CoprocessorAttestation {
        Ignored,
        Required,
    }

    public enum GpuVendor {
        Nvidia,
    }
}
