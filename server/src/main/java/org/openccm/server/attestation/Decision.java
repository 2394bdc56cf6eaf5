// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.attestation;

import java.util.List;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.server.build.Build;
import org.openccm.server.build.ImageMatcher.Considered;

/**
 * What OpenCCM decided about verified evidence: every outcome is a type, so each caller handles them all (the
 * compiler checks the switches), and the images considered come with each.
 */
public sealed interface Decision {
    String detail();

    List<Considered> considered();

    /** The evidence matches this approved image, and its coprocessors passed: a certificate may be issued. */
    record Accepted(Build build, String detail, List<Considered> considered) implements Decision {}

    /** The evidence matches this image, but it is pending or rejected. */
    record NotApproved(Build build, String detail, List<Considered> considered) implements Decision {}

    /** No image of the account has the measured values. */
    record NoMatch(String detail, List<Considered> considered) implements Decision {}

    /** The evidence matches this approved image, but a check beyond the platform's evidence (its GPU) failed. */
    record Refused(Build build, EvidenceRejected.Reason reason, String field, String detail, List<Considered> considered)
            implements Decision {}
}
