// SPDX-License-Identifier: Apache-2.0
/**
 * Images (CCM "builds"): the reference values that identify one release of an app on one platform, validated
 * per platform, stored, and handed to approval.
 */
package org.openccm.server.build;
