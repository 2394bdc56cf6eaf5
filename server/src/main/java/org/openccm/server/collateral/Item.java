// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.collateral;

import java.time.Instant;

/**
 * One piece of vendor collateral as the vendor sent it: its body (the signed JSON byte for byte, or a DER CRL), the
 * issuer chain from the response's header, and the window in which the vendor says it is current.
 */
public record Item(String key, String vendor, String kind, String source, byte[] body, String issuerChain, Instant validFrom, Instant nextUpdate,
        Instant fetchedAt) {

    public boolean currentAt(Instant now) {
        return !now.isBefore(validFrom) && !now.isAfter(nextUpdate);
    }
}
