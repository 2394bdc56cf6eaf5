// SPDX-License-Identifier: Apache-2.0
/**
 * Accounts (tenants), users and their role in each account, sessions with a selected account, API keys, and the
 * authentication that turns a request's credentials into a {@link org.openccm.server.identity.Caller}.
 */
package org.openccm.server.account;
