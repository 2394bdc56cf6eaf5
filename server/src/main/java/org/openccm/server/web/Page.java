// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.web;

import org.openccm.server.error.InvalidField;

/** limit/offset paging as CCM lists do it: limit 1..1000 (default 100), offset ≥ 0. */
public record Page(int limit, int offset) {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    public static Page of(Integer limit, Integer offset) {
        int l = limit == null ? DEFAULT_LIMIT : limit;
        int o = offset == null ? 0 : offset;
        if (l < 1 || l > MAX_LIMIT) {
            throw new InvalidField("limit", "must be between 1 and " + MAX_LIMIT);
        }
        if (o < 0) {
            throw new InvalidField("offset", "must not be negative");
        }
        return new Page(l, o);
    }

    public SearchMetadata metadata(int totalCount, int filteredCount) {
        int pages = (filteredCount + limit - 1) / limit;
        return new SearchMetadata(offset / limit + 1, pages, limit, totalCount, filteredCount);
    }
}
