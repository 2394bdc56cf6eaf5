// SPDX-License-Identifier: Apache-2.0
/**
 * Vendor collateral that evidence does not carry: Intel's TCB info, QE identity and CRLs from PCS/PCCS, AMD's VCEKs
 * from the KDS, fetched on demand, cached in PostgreSQL for their validity, and verified by the verifiers at each use.
 */
package org.openccm.server.collateral;
