// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.registry;

import java.time.Instant;
import java.util.UUID;

/** A registry the account has credentials for; {@code url} is the registry host (and port), e.g. docker.io. */
public record Registry(UUID id, UUID accountId, String url, String description, String username, Instant createdAt, Instant updatedAt) {}
