// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.cbor;

/** The bytes are not well-formed CBOR of the supported subset. */
public final class CborException extends Exception {
    private static final long serialVersionUID = 1L;

    public CborException(String message) {
        super(message);
    }
}
