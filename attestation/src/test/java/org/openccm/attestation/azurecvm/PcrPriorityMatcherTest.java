// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.azurecvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openccm.attestation.azurecvm.PcrPriorityMatcher.Candidate;
import org.openccm.attestation.azurecvm.PcrPriorityMatcher.Selection;
import org.openccm.attestation.azurecvm.PcrPriorityMatcher.Verdict;

/** The five examples of the guide's §3.5.1, by name, plus its rule that all-zero PCRs never match. */
class PcrPriorityMatcherTest {
    private static final PcrPriorityMatcher MATCHER = new PcrPriorityMatcher();

    // Stand-ins for the guide's PCR values ("aaa", "bbb", ...): 64 hex characters each.
    private static String v(char c) {
        return String.valueOf(c).repeat(64);
    }

    private static final String AAA = v('a');
    private static final String BBB = v('b');
    private static final String CCC = v('c');

    @Test
    void example1_anImageWithoutPcrsIsAttestedWhenNoImageMatchesByPriority() {
        Candidate image1 = new Candidate("image-1", Map.of(), true);
        Candidate image2 = new Candidate("image-2", Map.of(1, v('9')), true);

        Selection s = MATCHER.select(Map.of(0, AAA, 1, BBB), List.of(image1, image2));

        assertThat(s.verdict()).isEqualTo(Verdict.ACCEPTED);
        assertThat(s.chosen()).contains(image1);
    }

    @Test
    void example2_anImageWithMatchingPcrsIsPreferredOverOneWithFewer() {
        Candidate image1 = new Candidate("image-1", Map.of(1, BBB), true);
        Candidate image2 = new Candidate("image-2", Map.of(0, AAA, 1, BBB), true);

        Selection s = MATCHER.select(Map.of(0, AAA, 1, BBB), List.of(image1, image2));

        assertThat(s.verdict()).isEqualTo(Verdict.ACCEPTED);
        assertThat(s.chosen()).contains(image2);
    }

    @Test
    void example3_theImageWithTheHighestPriorityPcrsWinsWhateverTheCreationOrder() {
        Candidate image1 = new Candidate("image-1", Map.of(0, AAA, 1, BBB), true);
        Candidate image2 = new Candidate("image-2", Map.of(3, v('d'), 4, v('e')), true);
        Candidate image3 = new Candidate("image-3", Map.of(7, v('h'), 9, v('j')), true);
        Candidate image4 = new Candidate("image-4", Map.of(9, v('j'), 10, v('l'), 11, v('m')), true);
        Map<Integer, String> cvm = Map.ofEntries(
                Map.entry(0, AAA), Map.entry(1, BBB), Map.entry(2, CCC), Map.entry(3, v('d')), Map.entry(4, v('e')),
                Map.entry(5, v('f')), Map.entry(6, v('6')), Map.entry(7, v('h')),
                Map.entry(8, v('8')), Map.entry(9, v('j')), Map.entry(10, v('l')), Map.entry(11, v('m')));
        List<Candidate> images = new ArrayList<>(List.of(image1, image2, image3, image4));

        for (int order = 0; order < 4; order++) {
            Collections.rotate(images, 1);
            Selection s = MATCHER.select(cvm, images);
            assertThat(s.verdict()).isEqualTo(Verdict.ACCEPTED);
            assertThat(s.chosen()).contains(image1);
        }
    }

    @Test
    void example4_anUnapprovedImageWithHigherPriorityPcrsIsChosenAndTheAttestationFails() {
        Candidate image1 = new Candidate("image-1", Map.of(1, BBB), true);
        Candidate image2 = new Candidate("image-2", Map.of(0, AAA, 1, BBB), false);

        Selection s = MATCHER.select(Map.of(0, AAA, 1, BBB), List.of(image1, image2));

        assertThat(s.verdict()).isEqualTo(Verdict.NOT_APPROVED);
        assertThat(s.chosen()).contains(image2);
    }

    @Test
    void example5_anImageChosenByItsHighestPriorityPcrMustMatchOnAllItsPcrs() {
        Candidate image1 = new Candidate("image-1", Map.of(1, BBB), true);
        Candidate image2 = new Candidate("image-2", Map.of(0, AAA, 2, CCC), true);
        Map<Integer, String> cvm = Map.of(0, AAA, 1, BBB);

        Selection s = MATCHER.select(cvm, List.of(image1, image2));

        assertThat(s.verdict()).isEqualTo(Verdict.PCR_MISMATCH);
        assertThat(s.chosen()).contains(image2);
        assertThat(s.mismatchedPcrs()).containsExactly(2);

        // the guide's fix: an approved copy of image 1 with pcr0 set outranks image 2
        Candidate image3 = new Candidate("image-3", Map.of(0, AAA, 1, BBB), true);
        Selection fixed = MATCHER.select(cvm, List.of(image1, image2, image3));
        assertThat(fixed.verdict()).isEqualTo(Verdict.ACCEPTED);
        assertThat(fixed.chosen()).contains(image3);
    }

    @Test
    void anImageWhosePcrsAreAllZeroNeverMatches() {
        Candidate zeros = new Candidate("zeros", Map.of(0, v('0'), 1, v('0')), true);

        Selection s = MATCHER.select(Map.of(0, v('0'), 1, v('0')), List.of(zeros));

        assertThat(s.verdict()).isEqualTo(Verdict.NO_MATCH);
        assertThat(s.chosen()).isEmpty();
    }

    @Test
    void aCustomPriorityChangesTheWinner() {
        List<Integer> pcr7First = new ArrayList<>(PcrPriorityMatcher.DEFAULT_PRIORITY);
        pcr7First.remove(Integer.valueOf(7));
        pcr7First.addFirst(7);
        Candidate byPcr0 = new Candidate("by-pcr0", Map.of(0, AAA, 7, v('9')), true);
        Candidate byPcr7 = new Candidate("by-pcr7", Map.of(7, v('7')), true);
        Map<Integer, String> cvm = Map.of(0, AAA, 7, v('7'));

        assertThat(new PcrPriorityMatcher().select(cvm, List.of(byPcr0, byPcr7)).chosen()).contains(byPcr0);
        assertThat(new PcrPriorityMatcher(pcr7First).select(cvm, List.of(byPcr0, byPcr7)).chosen()).contains(byPcr7);
    }
}
