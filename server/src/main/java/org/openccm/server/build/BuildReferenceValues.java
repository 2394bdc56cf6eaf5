// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.openccm.attestation.Platform;
import org.openccm.attestation.ReferenceValues;

/**
 * An image's attributes as the attestation library's typed {@link ReferenceValues}, and back: the one place where
 * CCM's API shapes meet the verifier's. Empty while an image has no values yet (a conversion or policy generation
 * still running, or failed).
 */
public final class BuildReferenceValues {
    private BuildReferenceValues() {}

    public static Optional<ReferenceValues> of(Build b) {
        return of(b.platform(), b.mrenclave(), b.mrsigner(), b.isvprodid(), b.isvsvn(), b.attributes());
    }

    static Optional<ReferenceValues> of(
            Platform platform, String mrenclave, String mrsigner, Integer isvprodid, Integer isvsvn, ImageAttributes a) {
        return Optional.ofNullable(switch (platform) {
            case SGX -> mrenclave == null || mrsigner == null || isvprodid == null || isvsvn == null
                    ? null
                    : new ReferenceValues.Sgx(mrenclave, mrsigner, isvprodid, isvsvn);
            case NITRO -> a == null || a.nitroEnclave() == null
                    ? null
                    : new ReferenceValues.Nitro(a.nitroEnclave().pcr0(), a.nitroEnclave().pcr1(), a.nitroEnclave().pcr2(), a.nitroEnclave().pcr8());
            case ACI -> a == null || a.aci() == null ? null : new ReferenceValues.Aci(a.aci().hostData());
            case SEV_SNP -> a == null || a.baremetalAmdSevSnp() == null
                    ? null
                    : new ReferenceValues.SevSnp(
                            a.baremetalAmdSevSnp().measurement(),
                            a.baremetalAmdSevSnp().vmpl().ordinal(),
                            coprocessors(a.baremetalAmdSevSnp().coprocessors()));
            case TDX -> {
                ImageAttributes.BaremetalTdx t = a == null ? null : a.baremetalTdx();
                yield t == null ? null : new ReferenceValues.Tdx(t.mrtd(), t.rtmr0(), t.rtmr1(), t.rtmr2(), t.rtmr3(), coprocessors(t.coprocessors()));
            }
            case AZURE_CVM -> a == null || a.azureCvm() == null
                    ? null
                    : new ReferenceValues.AzureCvm(new TreeMap<>(a.azureCvm().pcrs().values()), coprocessors(a.azureCvm().coprocessors()));
        });
    }

    /** Why an image of this platform has no values to compare yet. */
    public static String pending(Platform platform) {
        return switch (platform) {
            case NITRO -> "the image has no PCRs yet (conversion pending)";
            case ACI -> "the image has no policy yet (generation pending or failed)";
            case SGX, SEV_SNP, TDX, AZURE_CVM -> "the image has no reference values";
        };
    }

    private static List<ReferenceValues.Coprocessor> coprocessors(List<ImageAttributes.Coprocessor> given) {
        return given == null
                ? List.of()
                : given.stream()
                        .map(c -> new ReferenceValues.Coprocessor(c.attestation() == ImageAttributes.CoprocessorAttestation.Required))
                        .toList();
    }
}
