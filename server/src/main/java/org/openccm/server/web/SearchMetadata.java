// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.web;

/** CCM's SearchMetadata: which page this is, of how many, and how many items there are with and without filters. */
public record SearchMetadata(int page, int pages, int limit, int totalCount, int filteredCount) {}
