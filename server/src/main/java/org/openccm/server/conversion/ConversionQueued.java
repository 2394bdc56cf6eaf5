// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion;

import java.util.UUID;

/** A conversion job was committed to the queue: the runner looks for work at once rather than at its next poll. */
record ConversionQueued(UUID buildId) {}
