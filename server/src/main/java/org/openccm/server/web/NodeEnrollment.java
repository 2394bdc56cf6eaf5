// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.web;

/** CCM's NodeEnrollment, on accounts and zones: OpenCCM never lets a node enroll without attestation. */
public record NodeEnrollment(boolean attestationEnforcementDisabledInsecure) {
    public static final NodeEnrollment ENFORCED = new NodeEnrollment(false);
}
