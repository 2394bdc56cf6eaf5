// SPDX-License-Identifier: Apache-2.0
/** The errors domain code throws, and the one place that turns them into HTTP answers. */
package org.openccm.server.error;
