// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.openccm.attestation.Measurement;
import org.openccm.attestation.Mismatch;
import org.openccm.attestation.ReferenceValues;
import org.springframework.stereotype.Component;

/**
 * Finds the images a measurement can belong to through the lookup-key index, and says per image whether it matches
 * and if not which values differ. Approval status is reported, not judged: that is the caller's decision.
 */
@Component
public class ImageMatcher {
    private final BuildRepository builds;

    public ImageMatcher(BuildRepository builds) {
        this.builds = builds;
    }

    /** One image held against the measurement: its reference values (empty while pending) and what differs. */
    public record Considered(Build build, Optional<ReferenceValues> referenceValues, List<Mismatch> mismatches, String why) {
        public boolean matches() {
            return referenceValues.isPresent() && mismatches.isEmpty();
        }
    }

    /** Every image of the account that shares a lookup key with the measurement, newest first; no cap. */
    public List<Considered> candidates(UUID accountId, Measurement measured) {
        return builds.candidates(accountId, measured.platform(), measured.lookupKeys()).stream()
                .map(b -> consider(b, measured))
                .toList();
    }

    /**
     * For explain: the newest images of the platform that the index did not offer (they share no identifying value
     * with the evidence), at most {@code limit}, so that an operator sees why the image they expected did not match.
     */
    public List<Considered> others(UUID accountId, Measurement measured, Collection<UUID> shown, int limit) {
        var search = new BuildRepository.Search(null, null, measured.platform(), null, limit + shown.size(), 0);
        return builds.search(accountId, search).stream()
                .filter(b -> !shown.contains(b.id()))
                .limit(limit)
                .map(b -> consider(b, measured))
                .toList();
    }

    static Considered consider(Build b, Measurement measured) {
        Optional<ReferenceValues> values = BuildReferenceValues.of(b);
        if (values.isEmpty()) {
            return new Considered(b, values, List.of(), BuildReferenceValues.pending(b.platform()));
        }
        List<Mismatch> mismatches = measured.compare(values.get());
        String why = mismatches.isEmpty()
                ? "all reference values match"
                : mismatches.stream().map(Mismatch::toString).collect(Collectors.joining("; "));
        return new Considered(b, values, mismatches, why);
    }
}
