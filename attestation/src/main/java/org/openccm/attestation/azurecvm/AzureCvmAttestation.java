// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.azurecvm;

import java.util.SortedMap;
import org.openccm.attestation.dcap.DcapAttestation;
import org.openccm.attestation.snp.SnpAttestation;

/**
 * A verified Azure confidential VM: the vTPM's PCRs (index to lower-case hex, SHA-256 bank) as its quote signed
 * them, the quote's nonce, and the hardware report that vouches for the vTPM's key (SEV-SNP, or a TDX quote).
 */
public record AzureCvmAttestation(SortedMap<Integer, String> pcrs, byte[] nonce, SnpAttestation snp, DcapAttestation tdx) {}
