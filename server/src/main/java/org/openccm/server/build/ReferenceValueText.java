// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openccm.attestation.Hex;
import org.openccm.attestation.Platform;
import org.openccm.server.build.ImageAttributes.Coprocessor;

/**
 * The canonical text of an image's reference values, one {@code key=value} line each in a fixed order. Its
 * SHA-256 is what approval votes are bound to, so a vote can never be moved to different values; the
 * {@link #identity} part (without coprocessor policy) is what makes two Azure CVM images "the same PCRs".
 */
public record ReferenceValueText(String identity, String full) {

    public static ReferenceValueText of(Registration r) {
        return of(r.platform(), r.dockerInfo(), r.mrenclave(), r.mrsigner(), r.isvprodid(), r.isvsvn(), r.attributes());
    }

    public static ReferenceValueText of(Build b) {
        return of(b.platform(), b.dockerInfo(), b.mrenclave(), b.mrsigner(), b.isvprodid(), b.isvsvn(), b.attributes());
    }

    private static ReferenceValueText of(
            Platform platform,
            DockerInfo docker,
            String mrenclave,
            String mrsigner,
            Integer isvprodid,
            Integer isvsvn,
            ImageAttributes a) {
        List<String> id = new ArrayList<>();
        id.add("platform=" + platform.name());
        List<Coprocessor> coprocessors = List.of();
        switch (platform) {
            case SGX -> {
                id.add("mrenclave=" + mrenclave);
                id.add("mrsigner=" + mrsigner);
                id.add("isvprodid=" + isvprodid);
                id.add("isvsvn=" + isvsvn);
            }
            case NITRO -> {
                if (a.nitroEnclave() == null) {
                    id.add("measurements=pending-conversion");
                    id.add("image=" + docker.dockerImageName() + ":" + docker.dockerVersion());
                } else {
                    id.add("pcr0=" + a.nitroEnclave().pcr0());
                    id.add("pcr1=" + a.nitroEnclave().pcr1());
                    id.add("pcr2=" + a.nitroEnclave().pcr2());
                    if (a.nitroEnclave().pcr8() != null) {
                        id.add("pcr8=" + a.nitroEnclave().pcr8());
                    }
                }
            }
            case ACI -> {
                id.add("image=" + docker.dockerImageName() + ":" + docker.dockerVersion());
                // ACI puts SHA-256(policy) into the SNP report's HOST_DATA: that is the identity attestation matches.
                id.add("host_data=" + (a.aci() == null ? "none" : a.aci().hostData()));
            }
            case AZURE_CVM -> {
                id.add("hash_alg=" + a.azureCvm().pcrs().hashAlg().name());
                for (Map.Entry<Integer, String> pcr : a.azureCvm().pcrs().values().entrySet()) {
                    id.add("pcr" + pcr.getKey() + "=" + pcr.getValue());
                }
                coprocessors = a.azureCvm().coprocessors();
            }
            case SEV_SNP -> {
                id.add("measurement=" + a.baremetalAmdSevSnp().measurement());
                id.add("vmpl=" + a.baremetalAmdSevSnp().vmpl().name());
                coprocessors = a.baremetalAmdSevSnp().coprocessors();
            }
            case TDX -> {
                ImageAttributes.BaremetalTdx t = a.baremetalTdx();
                id.add("mrtd=" + t.mrtd());
                id.add("rtmr0=" + t.rtmr0());
                id.add("rtmr1=" + t.rtmr1());
                id.add("rtmr2=" + t.rtmr2());
                id.add("rtmr3=" + t.rtmr3());
                coprocessors = t.coprocessors();
            }
        }
        List<String> full = new ArrayList<>(id);
        for (Coprocessor c : coprocessors) {
            full.add("coprocessor=" + (c.gpuVendor() == null ? "any" : c.gpuVendor().name()) + ":"
                    + c.attestation().name());
        }
        return new ReferenceValueText(String.join("\n", id) + "\n", String.join("\n", full) + "\n");
    }

    public String identitySha256() {
        return sha256(identity);
    }

    static String sha256(String text) {
        return Hex.of(sha256(text.getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }
}
