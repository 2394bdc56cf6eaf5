// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.aci;

import org.openccm.attestation.snp.SnpAttestation;

/** A verified ACI confidential container group: its SEV-SNP report and the endorsement of the UVM it measured. */
public record AciAttestation(SnpAttestation snp, UvmEndorsement uvm) {}
