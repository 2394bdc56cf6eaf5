// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What an approved image says its workload must measure: one record per platform, in lower-case hex. The server maps
 * its build attributes to these, compares them with a {@link Measurement} and stores their {@link #lookupKeys()} in an
 * index, so that finding the images a measurement could belong to does not depend on how many images exist.
 */
public sealed interface ReferenceValues {
    Platform platform();

    /**
     * The keys under which an image with these values is indexed. A measurement's {@link Measurement#lookupKeys()}
     * share at least one key with every image it can match, so the index returns a superset of the matches, which
     * {@link Measurement#compare} then narrows.
     */
    List<String> lookupKeys();

    /** Accelerators attached to the workload, whose own evidence is checked beside the platform's. */
    default List<Coprocessor> coprocessors() {
        return List.of();
    }

    /** An NVIDIA GPU: Ignored means its attestation data must be present, Required that it must verify. */
    record Coprocessor(boolean attestationRequired) {}

    /** An SGX enclave's identity, as its SIGSTRUCT states it. */
    record Sgx(String mrenclave, String mrsigner, int isvProdId, int isvSvn) implements ReferenceValues {
        @Override
        public Platform platform() {
            return Platform.SGX;
        }

        @Override
        public List<String> lookupKeys() {
            return List.of(LookupKeys.mrenclave(mrenclave));
        }
    }

    /** A Nitro enclave image: PCR0-2 (SHA-384) and, for a signed EIF, PCR8. */
    record Nitro(String pcr0, String pcr1, String pcr2, String pcr8) implements ReferenceValues {
        @Override
        public Platform platform() {
            return Platform.NITRO;
        }

        @Override
        public List<String> lookupKeys() {
            return List.of(LookupKeys.nitro(pcr0, pcr1, pcr2));
        }
    }

    /** An SEV-SNP guest: its launch MEASUREMENT and the VMPL it must run at. */
    record SevSnp(String measurement, int vmpl, List<Coprocessor> coprocessors) implements ReferenceValues {
        public SevSnp {
            coprocessors = coprocessors == null ? List.of() : List.copyOf(coprocessors);
        }

        @Override
        public Platform platform() {
            return Platform.SEV_SNP;
        }

        @Override
        public List<String> lookupKeys() {
            return List.of(LookupKeys.measurement(measurement));
        }
    }

    /** A TD: MRTD and RTMR0-3. */
    record Tdx(String mrtd, String rtmr0, String rtmr1, String rtmr2, String rtmr3, List<Coprocessor> coprocessors)
            implements ReferenceValues {
        public Tdx {
            coprocessors = coprocessors == null ? List.of() : List.copyOf(coprocessors);
        }

        @Override
        public Platform platform() {
            return Platform.TDX;
        }

        @Override
        public List<String> lookupKeys() {
            return List.of(LookupKeys.tdx(mrtd, rtmr0, rtmr1, rtmr2, rtmr3));
        }
    }

    /** An ACI container group: the SHA-256 of its policy, which ACI puts into HOST_DATA. */
    record Aci(String hostData) implements ReferenceValues {
        @Override
        public Platform platform() {
            return Platform.ACI;
        }

        @Override
        public List<String> lookupKeys() {
            return List.of(LookupKeys.hostData(hostData));
        }
    }

    /** An Azure confidential VM: the vTPM PCRs it sets (any of 0-22; none is allowed, see PcrPriorityMatcher). */
    record AzureCvm(SortedMap<Integer, String> pcrs, List<Coprocessor> coprocessors) implements ReferenceValues {
        public AzureCvm {
            pcrs = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(pcrs));
            coprocessors = coprocessors == null ? List.of() : List.copyOf(coprocessors);
        }

        @Override
        public Platform platform() {
            return Platform.AZURE_CVM;
        }

        @Override
        public List<String> lookupKeys() {
            if (pcrs.isEmpty()) {
                return List.of(LookupKeys.NO_PCRS);
            }
            List<String> keys = new ArrayList<>();
            pcrs.forEach((index, value) -> keys.add(LookupKeys.pcr(index, value)));
            return keys;
        }
    }
}
