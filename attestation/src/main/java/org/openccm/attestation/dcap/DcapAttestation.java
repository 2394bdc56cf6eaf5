// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.dcap;

import java.util.List;

/**
 * A verified DCAP quote: its report (an enclave's for SGX, a TD's for TDX), the platform's TCB status and the
 * advisories that apply to it, the quoting enclave's TCB status, (TDX) the TDX module's, and which collateral was
 * used past its nextUpdate within the context's grace.
 */
public record DcapAttestation(
        DcapQuote quote,
        EnclaveReport enclave,
        TdReport td,
        String fmspc,
        String tcbStatus,
        List<String> advisoryIds,
        String qeTcbStatus,
        String tdxModuleTcbStatus,
        List<String> staleCollateral) {}
