// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.dcap;

import java.util.List;

/**
 * A verified DCAP quote: its report (an enclave's for SGX, a TD's for TDX), the platform's TCB status and the
 * advisories that apply to it, the quoting enclave's TCB status, (TDX) the TDX module's, and what was accepted only by
 * a policy: collateral past its nextUpdate within the grace, a CRL that could not be obtained under fail-open.
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
        List<String> collateralWarnings) {}
