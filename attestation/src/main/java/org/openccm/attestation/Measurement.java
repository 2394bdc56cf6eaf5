// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What verified evidence says the hardware measured: one record per platform, values in lower-case hex. Only
 * verifiers create them (inside a {@link VerifiedEvidence}); the server compares them with the {@link ReferenceValues}
 * of its images and renders them, by {@link #describe()}, in the image API's field names.
 */
public sealed interface Measurement {
    Platform platform();

    /** The index keys of every image these values could match (see {@link ReferenceValues#lookupKeys()}). */
    List<String> lookupKeys();

    /** Every reference value these measurements do not have; empty when the image matches. */
    List<Mismatch> compare(ReferenceValues expected);

    /** All that was measured and reported, named as in the image API (pcr0, measurement, vmpl, mrenclave, ...). */
    SortedMap<String, String> describe();

    /** The values that identify an image of this platform, for a refusal that names what was measured. */
    Map<String, String> identity();

    /** Intel's verdict on the platform of a DCAP quote: its FMSPC, TCB status and advisories, and the QE's status. */
    record DcapStatus(String fmspc, String tcbStatus, String qeTcbStatus, List<String> advisoryIds) {
        public DcapStatus {
            advisoryIds = List.copyOf(advisoryIds);
        }

        void describe(Map<String, String> out) {
            out.put("fmspc", fmspc);
            out.put("tcb_status", tcbStatus);
            out.put("qe_tcb_status", qeTcbStatus);
            if (!advisoryIds.isEmpty()) {
                out.put("advisory_ids", String.join(",", advisoryIds));
            }
        }
    }

    /** An AWS Nitro enclave, as its Nitro Secure Module signed it. */
    record Nitro(String moduleId, Instant timestamp, SortedMap<Integer, String> pcrs) implements Measurement {
        public Nitro {
            pcrs = Collections.unmodifiableSortedMap(new TreeMap<>(pcrs));
        }

        @Override
        public Platform platform() {
            return Platform.NITRO;
        }

        @Override
        public List<String> lookupKeys() {
            return List.of(LookupKeys.nitro(pcrs.get(0), pcrs.get(1), pcrs.get(2)));
        }

        @Override
        public List<Mismatch> compare(ReferenceValues expected) {
            List<Mismatch> out = new ArrayList<>();
            if (!(expected instanceof ReferenceValues.Nitro n)) {
                return Mismatches.platform(expected, this);
            }
            Mismatches.differs(out, "pcr0", n.pcr0(), pcrs.get(0));
            Mismatches.differs(out, "pcr1", n.pcr1(), pcrs.get(1));
            Mismatches.differs(out, "pcr2", n.pcr2(), pcrs.get(2));
            if (n.pcr8() != null) {
                Mismatches.differs(out, "pcr8", n.pcr8(), pcrs.get(8));
            }
            return out;
        }

        @Override
        public SortedMap<String, String> describe() {
            SortedMap<String, String> out = new TreeMap<>();
            pcrs.forEach((index, value) -> out.put("pcr" + index, value));
            out.put("module_id", moduleId);
            return out;
        }

        @Override
        public Map<String, String> identity() {
            Map<String, String> out = new LinkedHashMap<>();
            for (int index : new int[] {0, 1, 2, 8}) {
                if (pcrs.containsKey(index)) {
                    out.put("pcr" + index, pcrs.get(index));
                }
            }
            return out;
        }
    }

    /** An SEV-SNP guest, from a report signed by a VCEK or VLEK. */
    record SevSnp(
            String measurement,
            int vmpl,
            String hostData,
            String reportData,
            String product,
            boolean vlek,
            long reportedTcb) implements Measurement {
        @Override
        public Platform platform() {
            return Platform.SEV_SNP;
        }

        @Override
        public List<String> lookupKeys() {
            return List.of(LookupKeys.measurement(measurement));
        }

        @Override
        public List<Mismatch> compare(ReferenceValues expected) {
            if (!(expected instanceof ReferenceValues.SevSnp s)) {
                return Mismatches.platform(expected, this);
            }
            List<Mismatch> out = new ArrayList<>();
            Mismatches.differs(out, "measurement", s.measurement(), measurement);
            Mismatches.differs(out, "vmpl", "vmpl" + s.vmpl(), "vmpl" + vmpl);
            return out;
        }

        @Override
        public SortedMap<String, String> describe() {
            SortedMap<String, String> out = new TreeMap<>();
            out.put("measurement", measurement);
            out.put("vmpl", "vmpl" + vmpl);
            out.put("host_data", hostData);
            out.put("report_data", reportData);
            out.put("product", product);
            out.put("signing_key", vlek ? "VLEK" : "VCEK");
            out.put("reported_tcb", Long.toHexString(reportedTcb));
            return out;
        }

        @Override
        public Map<String, String> identity() {
            Map<String, String> out = new LinkedHashMap<>();
            out.put("measurement", measurement);
            out.put("vmpl", "vmpl" + vmpl);
            out.put("host_data", hostData);
            return out;
        }
    }

    /** An ACI container group: its SEV-SNP report and the Microsoft-endorsed UVM that report measured. */
    record Aci(SevSnp snp, String uvmLaunchMeasurement, long uvmGuestSvn, String uvmIssuer) implements Measurement {
        @Override
        public Platform platform() {
            return Platform.ACI;
        }

        @Override
        public List<String> lookupKeys() {
            return List.of(LookupKeys.hostData(snp.hostData()));
        }

        @Override
        public List<Mismatch> compare(ReferenceValues expected) {
            if (!(expected instanceof ReferenceValues.Aci a)) {
                return Mismatches.platform(expected, this);
            }
            List<Mismatch> out = new ArrayList<>();
            Mismatches.differs(out, "host_data", a.hostData(), snp.hostData());
            return out;
        }

        @Override
        public SortedMap<String, String> describe() {
            SortedMap<String, String> out = snp.describe();
            out.put("uvm_launch_measurement", uvmLaunchMeasurement);
            out.put("uvm_guest_svn", Long.toString(uvmGuestSvn));
            out.put("uvm_issuer", uvmIssuer);
            return out;
        }

        @Override
        public Map<String, String> identity() {
            return snp.identity();
        }
    }

    /** An SGX enclave, from a DCAP quote. */
    record Sgx(String mrenclave, String mrsigner, int isvProdId, int isvSvn, String reportData, DcapStatus dcap)
            implements Measurement {
        @Override
        public Platform platform() {
            return Platform.SGX;
        }

        @Override
        public List<String> lookupKeys() {
            return List.of(LookupKeys.mrenclave(mrenclave), LookupKeys.mrsigner(mrsigner, isvProdId));
        }

        @Override
        public List<Mismatch> compare(ReferenceValues expected) {
            if (!(expected instanceof ReferenceValues.Sgx s)) {
                return Mismatches.platform(expected, this);
            }
            List<Mismatch> out = new ArrayList<>();
            Mismatches.differs(out, "mrenclave", s.mrenclave(), mrenclave);
            Mismatches.differs(out, "mrsigner", s.mrsigner(), mrsigner);
            Mismatches.differs(out, "isvprodid", Integer.toString(s.isvProdId()), Integer.toString(isvProdId));
            Mismatches.differs(out, "isvsvn", Integer.toString(s.isvSvn()), Integer.toString(isvSvn));
            return out;
        }

        @Override
        public SortedMap<String, String> describe() {
            SortedMap<String, String> out = new TreeMap<>();
            out.put("mrenclave", mrenclave);
            out.put("mrsigner", mrsigner);
            out.put("isvprodid", Integer.toString(isvProdId));
            out.put("isvsvn", Integer.toString(isvSvn));
            out.put("report_data", reportData);
            dcap.describe(out);
            return out;
        }

        @Override
        public Map<String, String> identity() {
            Map<String, String> out = new LinkedHashMap<>();
            out.put("mrenclave", mrenclave);
            out.put("mrsigner", mrsigner);
            return out;
        }
    }

    /** A TD, from a DCAP quote; {@code moduleTcbStatus} is null when the TCB info has no TDX module identity. */
    record Tdx(
            String mrtd,
            String rtmr0,
            String rtmr1,
            String rtmr2,
            String rtmr3,
            String mrseam,
            String reportData,
            DcapStatus dcap,
            String moduleTcbStatus) implements Measurement {
        @Override
        public Platform platform() {
            return Platform.TDX;
        }

        @Override
        public List<String> lookupKeys() {
            return List.of(LookupKeys.tdx(mrtd, rtmr0, rtmr1, rtmr2, rtmr3));
        }

        @Override
        public List<Mismatch> compare(ReferenceValues expected) {
            if (!(expected instanceof ReferenceValues.Tdx t)) {
                return Mismatches.platform(expected, this);
            }
            List<Mismatch> out = new ArrayList<>();
            Mismatches.differs(out, "mrtd", t.mrtd(), mrtd);
            Mismatches.differs(out, "rtmr0", t.rtmr0(), rtmr0);
            Mismatches.differs(out, "rtmr1", t.rtmr1(), rtmr1);
            Mismatches.differs(out, "rtmr2", t.rtmr2(), rtmr2);
            Mismatches.differs(out, "rtmr3", t.rtmr3(), rtmr3);
            return out;
        }

        @Override
        public SortedMap<String, String> describe() {
            SortedMap<String, String> out = new TreeMap<>();
            out.put("mrtd", mrtd);
            out.put("rtmr0", rtmr0);
            out.put("rtmr1", rtmr1);
            out.put("rtmr2", rtmr2);
            out.put("rtmr3", rtmr3);
            out.put("mrseam", mrseam);
            if (moduleTcbStatus != null) {
                out.put("tdx_module_tcb_status", moduleTcbStatus);
            }
            out.put("report_data", reportData);
            dcap.describe(out);
            return out;
        }

        @Override
        public Map<String, String> identity() {
            Map<String, String> out = new LinkedHashMap<>();
            out.put("mrtd", mrtd);
            return out;
        }
    }

    /**
     * An Azure confidential VM: the vTPM's SHA-256 PCRs as its quote signed them, the quote's nonce, and the hardware
     * report ({@link SevSnp} or {@link Tdx}) that vouches for the vTPM's key.
     */
    record AzureCvm(SortedMap<Integer, String> pcrs, String nonce, Measurement hardware) implements Measurement {
        public AzureCvm {
            pcrs = Collections.unmodifiableSortedMap(new TreeMap<>(pcrs));
            if (!(hardware instanceof SevSnp) && !(hardware instanceof Tdx)) {
                throw new IllegalArgumentException("an Azure CVM runs on SEV-SNP or TDX");
            }
        }

        @Override
        public Platform platform() {
            return Platform.AZURE_CVM;
        }

        @Override
        public List<String> lookupKeys() {
            List<String> keys = new ArrayList<>();
            pcrs.forEach((index, value) -> keys.add(LookupKeys.pcr(index, value)));
            keys.add(LookupKeys.NO_PCRS);
            return keys;
        }

        /** Every PCR the image sets must have the measured value; which image wins is PcrPriorityMatcher's rule. */
        @Override
        public List<Mismatch> compare(ReferenceValues expected) {
            if (!(expected instanceof ReferenceValues.AzureCvm a)) {
                return Mismatches.platform(expected, this);
            }
            List<Mismatch> out = new ArrayList<>();
            a.pcrs().forEach((index, value) -> Mismatches.differs(out, "pcr" + index, value, pcrs.get(index)));
            return out;
        }

        @Override
        public SortedMap<String, String> describe() {
            SortedMap<String, String> out = new TreeMap<>();
            pcrs.forEach((index, value) -> out.put("pcr" + index, value));
            out.put("nonce", nonce);
            switch (hardware) {
                case SevSnp snp -> {
                    out.put("hardware", "SEV_SNP");
                    out.put("measurement", snp.measurement());
                }
                case Tdx tdx -> {
                    out.put("hardware", "TDX");
                    out.put("mrtd", tdx.mrtd());
                    out.put("tcb_status", tdx.dcap().tcbStatus());
                }
                default -> throw new IllegalStateException();
            }
            return out;
        }

        @Override
        public Map<String, String> identity() {
            Map<String, String> out = new LinkedHashMap<>();
            for (int index : new int[] {0, 1, 2}) {
                if (pcrs.containsKey(index)) {
                    out.put("pcr" + index, pcrs.get(index));
                }
            }
            return out;
        }
    }
}
