// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.x509;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openccm.attestation.TestVectors;
import org.openccm.attestation.dcap.DcapVerifier;
import org.openccm.attestation.nitro.NitroVerifier;
import org.openccm.attestation.snp.AmdProduct;
import org.openccm.attestation.snp.SnpVerifier;

/**
 * Every vendor root OpenCCM trusts, pinned by its SHA-256: replacing a shipped root file cannot go unnoticed. The
 * AWS value is the one AWS publishes for the Nitro Enclaves Root G1; the others are the files' as shipped, each
 * checked against the independent copy in testdata/ where the samples carry one.
 */
class VendorRootsTest {
    @Test
    void awsNitroRootG1IsTheOneAwsPublishes() throws Exception {
        assertThat(CertificateChains.fingerprint(NitroVerifier.awsRoot()))
                .isEqualTo("641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b");
        X509Certificate copy = CertificateChains.parseAll("root", TestVectors.bytes("nitro/aws-nitro-enclaves-root-g1.pem")).getFirst();
        assertThat(CertificateChains.fingerprint(copy)).isEqualTo(CertificateChains.fingerprint(NitroVerifier.awsRoot()));
    }

    @Test
    void intelSgxRootCa() {
        assertThat(CertificateChains.fingerprint(DcapVerifier.intelRoot()))
                .isEqualTo("44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3");
    }

    @Test
    void amdRootsAndIntermediatesPerProduct() throws Exception {
        assertThat(amd(AmdProduct.MILAN)).containsExactly(
                "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd",
                "67d303bd3905fd38db8b20e0793699870e7fa612eaad5dec358293fd8c0bac1b",
                "c5e081f59b7efab1fe2f8b505e159704e72f29cab7ef7cf628a05a42439082f5");
        assertThat(amd(AmdProduct.GENOA)).containsExactly(
                "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1",
                "5464738c1546aed5f2cecf1dc98c5c960a92e8913238a61711bc90ec6e828521",
                "197e610743a917d6b9bb982a5a9226ccc0a15b611be0619e626aca9151457372");
        assertThat(amd(AmdProduct.TURIN)).containsExactly(
                "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a",
                "5b77ef5fe7a7a004fd9032668fba9d0fda22f88c4442069a479636a6ae3b3185",
                "104e10a8bd060a3c20a434261a57d0588fd65a88915b4f65b08bdecaf8df1a3c");
    }

    @Test
    void nvidiaDeviceIdentityAndCorimRoots() throws Exception {
        assertThat(CertificateChains.fingerprint(resource("/org/openccm/attestation/gpu/nvidia-device-identity-ca-root.pem")))
                .isEqualTo("102bf659d5419614c9d8e6aecebc80454eb26b1df6a769ac720b9a690b167b48");
        assertThat(CertificateChains.fingerprint(resource("/org/openccm/attestation/gpu/nvidia-corim-signing-root-ca.pem")))
                .isEqualTo("12977b5115acb0381179279fffeb5a8c4d264971ebb32298023a465fa41df5d1");
    }

    /** ARK, ASK, ASVK, as the verifier sorts the shipped bundle. */
    private static List<String> amd(AmdProduct product) throws Exception {
        String file = "/org/openccm/attestation/snp/amd-" + product.kdsName().toLowerCase(java.util.Locale.ROOT) + "-ask-ark-asvk.pem";
        try (var in = VendorRootsTest.class.getResourceAsStream(file)) {
            SnpVerifier.AmdCertificates c = SnpVerifier.certificates(product, CertificateChains.parseAll(file, in.readAllBytes()));
            return List.of(CertificateChains.fingerprint(c.ark()), CertificateChains.fingerprint(c.ask()), CertificateChains.fingerprint(c.asvk()));
        }
    }

    private static X509Certificate resource(String name) throws Exception {
        try (var in = VendorRootsTest.class.getResourceAsStream(name)) {
            return CertificateChains.parseAll(name, in.readAllBytes()).getFirst();
        }
    }
}
