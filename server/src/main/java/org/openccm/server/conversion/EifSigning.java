// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.openccm.server.conversion.eif.EifSigner;

/**
 * The operator's EIF signing key and certificate (PEM files, as nitro-cli build-enclave --private-key and
 * --signing-certificate take them). A signed EIF adds PCR8, the signer's measurement, to the image's identity.
 */
record EifSigning(PrivateKey key, X509Certificate certificate, String certificatePem) {

    /** The configured signer, or null when neither file is configured; one without the other is a start-up error. */
    static EifSigning load(String keyFile, String certificateFile) {
        boolean hasKey = keyFile != null && !keyFile.isBlank();
        boolean hasCert = certificateFile != null && !certificateFile.isBlank();
        if (!hasKey && !hasCert) {
            return null;
        }
        if (hasKey != hasCert) {
            throw new IllegalStateException("EIF signing needs both openccm.conversion.signing-key and"
                    + " openccm.conversion.signing-certificate (OPENCCM_EIF_SIGNING_KEY / OPENCCM_EIF_SIGNING_CERT)");
        }
        try {
            String pem = Files.readString(Path.of(certificateFile.trim()), StandardCharsets.US_ASCII);
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            PrivateKey key;
            try (PEMParser parser = new PEMParser(new StringReader(Files.readString(Path.of(keyFile.trim()), StandardCharsets.US_ASCII)))) {
                Object o = parser.readObject();
                JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
                if (o instanceof PEMKeyPair pair) {
                    key = converter.getKeyPair(pair).getPrivate();
                } else if (o instanceof PrivateKeyInfo info) {
                    key = converter.getPrivateKey(info);
                } else {
                    throw new IllegalStateException(keyFile + " holds no unencrypted private key");
                }
            }
            return new EifSigning(key, cert, pem);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the EIF signing key or certificate", e);
        } catch (CertificateException e) {
            throw new IllegalStateException(certificateFile + " is not an X.509 certificate", e);
        }
    }

    byte[] signatureSection(String pcr0) {
        return EifSigner.signatureSection(pcr0, certificatePem, key, certificate);
    }

    byte[] certificateDer() {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
