// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.collateral;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the cache ahead of expiry: every {@code openccm.collateral.refresh-interval}, each item whose nextUpdate is
 * less than {@code openccm.collateral.refresh-ahead} away (or past) is fetched again, so that attestations rarely
 * wait for a vendor and an outage starts with fresh items. Several servers may refresh the same item: the last
 * copy stored wins, and all copies are the vendor's.
 */
@Component
public class CollateralRefresher {
    private static final Logger log = LoggerFactory.getLogger(CollateralRefresher.class);
    private final CollateralStore store;
    private final VendorCollateral collateral;
    private final Clock clock;
    private final Duration ahead;

    CollateralRefresher(CollateralStore store, VendorCollateral collateral, Clock clock,
            @Value("${openccm.collateral.refresh-ahead:P1D}") Duration ahead) {
        this.store = store;
        this.collateral = collateral;
        this.clock = clock;
        this.ahead = ahead;
    }

    @Scheduled(fixedDelayString = "${openccm.collateral.refresh-interval:PT1H}", initialDelayString = "${openccm.collateral.refresh-interval:PT1H}")
    void scheduled() {
        int refreshed = refreshDue();
        if (refreshed > 0) {
            log.info("Refreshed {} collateral items before their nextUpdate", refreshed);
        }
    }

    /** Refreshes the items due now; how many were stored anew. */
    public int refreshDue() {
        Instant horizon = clock.instant().plus(ahead);
        int refreshed = 0;
        for (Item item : store.newest()) {
            if (item.nextUpdate().isBefore(horizon) && collateral.refresh(item)) {
                refreshed++;
            }
        }
        return refreshed;
    }
}
