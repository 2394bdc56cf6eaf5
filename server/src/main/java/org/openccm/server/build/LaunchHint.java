// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

/** CCM's LaunchHint: how to launch the image, today an Azure ARM template. */
public record LaunchHint(String azureResourceTemplate) {}
