// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.aci;

import java.time.Instant;

/**
 * Microsoft's signed statement of which utility-VM (UVM) builds ACI runs confidential containers in: the SEV-SNP
 * launch measurement of the UVM and its guest SVN, signed by the issuer of a feed.
 */
public record UvmEndorsement(String issuer, String feed, String launchMeasurement, long guestSvn, Instant signingTime) {}
