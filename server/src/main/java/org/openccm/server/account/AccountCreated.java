// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account;

import java.util.UUID;

/** Published inside the transaction that creates an account, so features can set up what every account owns. */
public record AccountCreated(UUID accountId, String name) {}
