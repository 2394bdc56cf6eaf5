// SPDX-License-Identifier: Apache-2.0
/** What the server says about itself without a log-in: its version and whether it runs in simulation mode. */
package org.openccm.server.sys;
