// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.dcap;

import java.util.List;

/**
 * A verified DCAP quote: its report (an enclave's for SGX, a TD's for TDX), the platform's TCB status and the
 * advisories that apply to it, the quoting enclave's TCB status, and (TDX) the TDX module's.
 */
public record DcapAttestation(
        DcapQuote quote,
        EnclaveReport enclave,
        TdReport td,
        String fmspc,
        String tcbStatus,
        List<String> advisoryIds,
        String qeTcbStatus,
        String tdxModuleTcbStatus) {}
