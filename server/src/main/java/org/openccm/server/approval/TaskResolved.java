// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.approval;

import java.time.Instant;
import org.openccm.server.identity.Actor;

/**
 * Published inside the deciding transaction when a task reaches APPROVED or DENIED; the feature that owns the
 * approved object applies the outcome in the same transaction, or throws to undo the decision.
 */
public record TaskResolved(Task task, TaskStatus outcome, Actor decidedBy, Instant at) {}
