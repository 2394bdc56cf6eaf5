// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.attestation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openccm.server.error.InvalidField;

/** A CSR's self-signature proves the workload holds its key: it is checked for every algorithm an agent may use. */
class CsrCheckTest {
    @ParameterizedTest
    @CsvSource({"EC, secp256r1, SHA256withECDSA", "EC, secp384r1, SHA384withECDSA", "EC, secp384r1, SHA512withECDSA",
            "EC, secp521r1, SHA512withECDSA", "RSA, 2048, SHA256withRSA"})
    void theRequestsKeyIsReturnedAndAFlippedSignatureByteIsRefused(String kind, String size, String algorithm) throws Exception {
        KeyPair pair = pair(kind, size);
        PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=workload"), pair.getPublic())
                .build(new JcaContentSignerBuilder(algorithm).build(pair.getPrivate()));

        assertThat(AttestationService.csrPublicKey(pem(csr.getEncoded())).getEncoded()).isEqualTo(pair.getPublic().getEncoded());
        byte[] der = csr.getEncoded();
        der[der.length - 5] ^= 1; // inside the signature, the last field
        assertThatThrownBy(() -> AttestationService.csrPublicKey(pem(der)))
                .isInstanceOf(InvalidField.class)
                .satisfies(e -> assertThat(((InvalidField) e).field()).isEqualTo("csr"));
    }

    private static KeyPair pair(String kind, String size) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(kind);
        if (kind.equals("EC")) {
            g.initialize(new ECGenParameterSpec(size));
        } else {
            g.initialize(Integer.parseInt(size));
        }
        return g.generateKeyPair();
    }

    private static String pem(byte[] der) {
        return "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END CERTIFICATE REQUEST-----\n";
    }
}
