// SPDX-License-Identifier: Apache-2.0
/** Process-wide wiring: the database (embedded or external), the clock, HTTP limits, the API document. */
package org.openccm.server.config;
