// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.config;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Background work on a timer: today the collateral refresh (collateral/CollateralRefresher). */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class SchedulingConfig {}
