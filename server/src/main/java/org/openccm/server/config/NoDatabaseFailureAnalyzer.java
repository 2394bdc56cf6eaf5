// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * A container started without OPENCCM_DB_URL is an operator's mistake, not a bug: the log says what to set, without
 * the stack trace of bean creation an operator would otherwise have to read it out of.
 */
class NoDatabaseFailureAnalyzer extends AbstractFailureAnalyzer<DatabaseConfig.NoDatabaseException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DatabaseConfig.NoDatabaseException cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Set OPENCCM_DB_URL, or OPENCCM_EMBEDDED_DB=true to start an embedded PostgreSQL in the data directory"
                        + " (one instance only).",
                cause);
    }
}
