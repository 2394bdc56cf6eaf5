// SPDX-License-Identifier: Apache-2.0
/** The tamper-evident record of every change of state: who did what to which object, hash-chained per account. */
package org.openccm.server.audit;
