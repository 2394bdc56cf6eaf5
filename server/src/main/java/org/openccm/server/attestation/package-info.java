// SPDX-License-Identifier: Apache-2.0
/**
 * The attestation flow: verify evidence with the platform's verifier, find the approved image it matches, bind
 * the workload's key, and issue a certificate; or explain, without issuing, why not.
 */
package org.openccm.server.attestation;
