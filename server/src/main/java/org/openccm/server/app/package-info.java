// SPDX-License-Identifier: Apache-2.0
/** Applications: what a workload is, which domain names its certificates may carry, and its default settings. */
package org.openccm.server.app;
