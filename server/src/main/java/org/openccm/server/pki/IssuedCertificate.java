// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.pki;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A certificate issued to an attested workload, with the image and platform it was issued for and its node. */
public record IssuedCertificate(
        UUID id,
        UUID accountId,
        String serial,
        UUID appId,
        UUID buildId,
        String platform,
        String subject,
        List<String> dnsNames,
        Instant notBefore,
        Instant notAfter,
        String certificatePem,
        Instant revokedAt,
        String revocationReason,
        Instant createdAt,
        UUID nodeId) {}
