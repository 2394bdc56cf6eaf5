// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.azurecvm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Chooses which Azure CVM image verified PCR values belong to, by the rules of CCM's guide (§3.5.1 "How PCR Values
 * Influence Image Attestation"):
 * <ul>
 *   <li>PCRs are examined in priority order (by default PCR0 first, then PCR1, ...);
 *   <li>at each PCR, if some remaining images have it set to the measured value, only those stay in the race;
 *       images that have never matched a PCR are not selected at all;
 *   <li>an image with no PCRs set is chosen only when no image with PCRs matched any PCR;
 *   <li>an image whose PCRs are all zero never matches;
 *   <li>the chosen image must then match on every PCR it sets, and be approved.
 * </ul>
 * The order in which images were created plays no part: ties are broken by full match, approval, the number of
 * PCRs set, then the image id.
 */
public final class PcrPriorityMatcher {
    public static final List<Integer> DEFAULT_PRIORITY = IntStream.rangeClosed(0, 22).boxed().toList();
    private final List<Integer> priority;

    public PcrPriorityMatcher(List<Integer> priority) {
        if (priority.size() != 23 || !priority.stream().sorted().toList().equals(DEFAULT_PRIORITY)) {
            throw new IllegalArgumentException("the priority must order exactly the PCRs 0 to 22");
        }
        this.priority = List.copyOf(priority);
    }

    public PcrPriorityMatcher() {
        this(DEFAULT_PRIORITY);
    }

    /** An enrolled image: its id, the PCRs it sets (index to lower-case hex), and whether it is approved. */
    public record Candidate(String id, Map<Integer, String> pcrs, boolean approved) {}

    public enum Verdict {
        /** The chosen image matches on all its PCRs and is approved. */
        ACCEPTED,
        /** The chosen image matches but is not approved. */
        NOT_APPROVED,
        /** The chosen image differs in at least one of its PCRs. */
        PCR_MISMATCH,
        /** No image was chosen. */
        NO_MATCH,
    }

    public record Selection(Verdict verdict, Optional<Candidate> chosen, List<Integer> mismatchedPcrs, String explanation) {}

    public Selection select(Map<Integer, String> measured, List<Candidate> images) {
        List<Candidate> withPcrs = new ArrayList<>();
        Candidate withoutPcrs = null;
        for (Candidate c : images) {
            if (c.pcrs().isEmpty()) {
                withoutPcrs = withoutPcrs == null || c.id().compareTo(withoutPcrs.id()) < 0 ? c : withoutPcrs;
            } else if (!allZero(c)) {
                withPcrs.add(c);
            }
        }
        List<Candidate> race = withPcrs;
        boolean anyMatched = false;
        Integer decidingPcr = null;
        for (int pcr : priority) {
            String value = measured.get(pcr);
            List<Candidate> matching = race.stream()
                    .filter(c -> c.pcrs().containsKey(pcr) && c.pcrs().get(pcr).equals(value))
                    .toList();
            if (!matching.isEmpty()) {
                if (!anyMatched) {
                    decidingPcr = pcr;
                }
                anyMatched = true;
                race = matching;
            }
        }
        if (!anyMatched) {
            if (withoutPcrs == null) {
                return new Selection(Verdict.NO_MATCH, Optional.empty(), List.of(), "no image with matching PCRs");
            }
            return judge(measured, withoutPcrs, "no image with PCRs matched; the image without PCRs applies");
        }
        Candidate chosen = race.stream()
                .min(Comparator.comparing((Candidate c) -> !mismatches(measured, c).isEmpty())
                        .thenComparing(c -> !c.approved())
                        .thenComparing(c -> -c.pcrs().size())
                        .thenComparing(Candidate::id))
                .orElseThrow();
        return judge(measured, chosen, "chosen by its highest-priority matching PCR" + decidingPcr);
    }

    private static Selection judge(Map<Integer, String> measured, Candidate chosen, String why) {
        List<Integer> mismatched = mismatches(measured, chosen);
        if (!mismatched.isEmpty()) {
            return new Selection(
                    Verdict.PCR_MISMATCH,
                    Optional.of(chosen),
                    mismatched,
                    why + ", but PCR" + mismatched + " differ from the measured values");
        }
        if (!chosen.approved()) {
            return new Selection(Verdict.NOT_APPROVED, Optional.of(chosen), List.of(), why + ", but it is not approved");
        }
        return new Selection(Verdict.ACCEPTED, Optional.of(chosen), List.of(), why);
    }

    private static List<Integer> mismatches(Map<Integer, String> measured, Candidate c) {
        return c.pcrs().entrySet().stream()
                .filter(e -> !e.getValue().equals(measured.get(e.getKey())))
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }

    private static boolean allZero(Candidate c) {
        return c.pcrs().values().stream().allMatch(v -> v.chars().allMatch(ch -> ch == '0'));
    }
}
