// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openccm.attestation.Platform;
import org.springframework.stereotype.Component;

/**
 * Compares measured values with every image of the account on that platform and says, per image, whether it
 * matches and if not which value differs. Approval status is reported, not judged: that is the caller's decision.
 */
@Component
public class ImageMatcher {
    private final BuildRepository builds;

    ImageMatcher(BuildRepository builds) {
        this.builds = builds;
    }

    public record Considered(Build build, boolean matches, String why) {}

    public List<Considered> consider(UUID accountId, Platform platform, Map<String, String> measured) {
        List<Considered> out = new ArrayList<>();
        var search = new BuildRepository.Search(null, null, platform, null, 1000, 0);
        for (Build b : builds.search(accountId, search)) {
            String mismatch = switch (platform) {
                case NITRO -> nitro(b, measured);
                case SEV_SNP -> snp(b, measured);
                case ACI -> aci(b, measured);
                case SGX -> sgx(b, measured);
                case TDX -> tdx(b, measured);
                case AZURE_CVM -> azureCvm(b, measured);
            };
            out.add(new Considered(b, mismatch == null, mismatch == null ? "all reference values match" : mismatch));
        }
        return out;
    }

    private static String nitro(Build b, Map<String, String> measured) {
        ImageAttributes.NitroEnclave n = b.attributes().nitroEnclave();
        if (n == null) {
            return "the image has no PCRs yet (conversion pending)";
        }
        String differs = differs("pcr0", n.pcr0(), measured);
        differs = differs != null ? differs : differs("pcr1", n.pcr1(), measured);
        differs = differs != null ? differs : differs("pcr2", n.pcr2(), measured);
        return differs != null || n.pcr8() == null ? differs : differs("pcr8", n.pcr8(), measured);
    }

    private static String snp(Build b, Map<String, String> measured) {
        ImageAttributes.BaremetalAmdSevSnp s = b.attributes().baremetalAmdSevSnp();
        String differs = differs("measurement", s.measurement(), measured);
        return differs != null ? differs : differs("vmpl", s.vmpl().name(), measured);
    }

    /** An SGX image is its enclave's identity: MRENCLAVE, MRSIGNER, ISVPRODID and ISVSVN, each exactly. */
    private static String sgx(Build b, Map<String, String> measured) {
        String differs = differs("mrenclave", b.mrenclave(), measured);
        differs = differs != null ? differs : differs("mrsigner", b.mrsigner(), measured);
        differs = differs != null ? differs : differs("isvprodid", String.valueOf(b.isvprodid()), measured);
        return differs != null ? differs : differs("isvsvn", String.valueOf(b.isvsvn()), measured);
    }

    /** A TDX image is its TD's MRTD and RTMR0-3. */
    private static String tdx(Build b, Map<String, String> measured) {
        ImageAttributes.BaremetalTdx t = b.attributes().baremetalTdx();
        String differs = differs("mrtd", t.mrtd(), measured);
        differs = differs != null ? differs : differs("rtmr0", t.rtmr0(), measured);
        differs = differs != null ? differs : differs("rtmr1", t.rtmr1(), measured);
        differs = differs != null ? differs : differs("rtmr2", t.rtmr2(), measured);
        return differs != null ? differs : differs("rtmr3", t.rtmr3(), measured);
    }

    /** An Azure CVM image matches when every PCR it sets has the measured value (which image wins: PcrPriorityMatcher). */
    private static String azureCvm(Build b, Map<String, String> measured) {
        for (Map.Entry<Integer, String> pcr : b.attributes().azureCvm().pcrs().values().entrySet()) {
            String differs = differs("pcr" + pcr.getKey(), pcr.getValue(), measured);
            if (differs != null) {
                return differs;
            }
        }
        return null;
    }

    /** ACI's HOST_DATA is the SHA-256 of the policy text (the base64 the image carries, decoded). */
    private static String aci(Build b, Map<String, String> measured) {
        ImageAttributes.Aci a = b.attributes().aci();
        if (a == null) {
            return "the image has no policy yet (generation pending or failed)";
        }
        return differs("host_data", a.hostData(), measured);
    }

    private static String differs(String field, String expected, Map<String, String> measured) {
        String actual = measured.get(field);
        return expected.equals(actual) ? null : field + " differs: image " + expected + ", measured " + actual;
    }
}
