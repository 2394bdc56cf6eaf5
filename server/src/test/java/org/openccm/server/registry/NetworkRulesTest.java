// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NetworkRulesTest {
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "::1", "169.254.169.254", "fe80::1", "10.0.0.1", "172.16.5.4", "192.168.1.1",
        "100.64.0.1", "fd00::1", "0.0.0.0", "224.0.0.1"})
    void internalAddressesAreRefusedByDefault(String address) throws Exception {
        assertThat(NetworkRules.strict().refusal(InetAddress.getByName(address))).contains(InetAddress.getByName(address).getHostAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1.1.1", "52.94.1.1", "2606:4700::1111", "172.32.0.1", "100.128.0.1"})
    void publicAddressesPass(String address) throws Exception {
        assertThat(NetworkRules.strict().refusal(InetAddress.getByName(address))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.1.2.3", "10.1.2.250", "127.0.0.1"})
    void anAllowedNetworkPasses(String address) throws Exception {
        NetworkRules rules = new NetworkRules(List.of("10.1.2.0/24", " 127.0.0.1 "));
        assertThat(rules.refusal(InetAddress.getByName(address))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.1.3.1", "127.0.0.2", "169.254.169.254"})
    void onlyTheAllowedNetworkPasses(String address) throws Exception {
        NetworkRules rules = new NetworkRules(List.of("10.1.2.0/24", "127.0.0.1"));
        assertThat(rules.refusal(InetAddress.getByName(address))).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"registry.internal", "10.0.0.0/33", "not an address", "10.0.0.0/x"})
    void aSettingThatIsNotANetworkStopsTheStart(String setting) {
        assertThatThrownBy(() -> new NetworkRules(List.of(setting))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an IP network");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost"})
    void aNameIsJudgedByEveryAddressItResolvesTo(String host) {
        assertThat(NetworkRules.strict().refusal(host)).startsWith(host + " resolves to").contains("loopback");
    }
}
