// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

/** Whether a workload running this image has attested successfully at least once. */
public enum DeploymentStatus {
    DEPLOYED,
    UNDEPLOYED,
}
