// SPDX-License-Identifier: Apache-2.0
/**
 * Zones (Fortanix CCM's /v1/zones), where workloads enrol: each account has a default zone whose CA is the account
 * CA, and join tokens that let a workload attest into the zone without any user's credentials.
 */
package org.openccm.server.zone;
