// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.attestation;

import java.security.KeyPair;

/** A PEM PKCS#10 request for a workload key, as a workload would make it. */
public final class TestCsr {
    private TestCsr() {}

    public static String pem(KeyPair key) {
        return AttestationApiTest.csr(key);
    }
}
