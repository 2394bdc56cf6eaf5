// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.zone;

import java.time.Instant;
import java.util.UUID;

public record Zone(UUID id, UUID accountId, String name, String description, boolean isDefault, Instant createdAt) {}
