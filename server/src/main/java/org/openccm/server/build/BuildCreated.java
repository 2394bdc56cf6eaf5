// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

/** Published when an image is registered; listeners that start work on it do so after the commit. */
public record BuildCreated(Build build) {}
