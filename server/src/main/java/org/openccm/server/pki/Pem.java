// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.pki;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;

/** PEM text of DER objects, 64 characters a line as RFC 7468 asks. */
public final class Pem {
    private Pem() {}

    public static String of(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    public static String of(X509Certificate cert) {
        try {
            return of("CERTIFICATE", cert.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
