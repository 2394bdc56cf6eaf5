// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.registry;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which addresses OpenCCM may contact on a user's behalf (registries, token services, their redirects): none that is
 * loopback, link-local (169.254.0.0/16, where cloud metadata services answer; fe80::/10), private (10/8, 172.16/12,
 * 192.168/16, fc00::/7), shared (100.64/10), unspecified or multicast, unless it lies in a network the operator
 * allows ({@code OPENCCM_REGISTRY_ALLOWED_NETWORKS}, CIDRs). Every address a name resolves to must pass.
 */
public final class NetworkRules {
    private record Cidr(byte[] network, int bits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            BigInteger mask = bits == 0 ? BigInteger.ZERO
                    : BigInteger.ONE.shiftLeft(address.length * 8).subtract(BigInteger.ONE).shiftRight(bits).not()
                            .and(BigInteger.ONE.shiftLeft(address.length * 8).subtract(BigInteger.ONE));
            return new BigInteger(1, address).and(mask).equals(new BigInteger(1, network).and(mask));
        }
    }

    private static final List<Cidr> SPECIAL = List.of(cidr("100.64.0.0/10"), cidr("fc00::/7"), cidr("0.0.0.0/8"));
    private final List<Cidr> allowed;

    /** @param allowed CIDRs (or single addresses) the operator lets OpenCCM contact although they are internal */
    public NetworkRules(List<String> allowed) {
        List<Cidr> parsed = new ArrayList<>();
        for (String a : allowed) {
            if (!a.isBlank()) {
                parsed.add(cidr(a.strip()));
            }
        }
        this.allowed = List.copyOf(parsed);
    }

    /** Nothing internal allowed. */
    public static NetworkRules strict() {
        return new NetworkRules(List.of());
    }

    /** Why this address may not be contacted, or null when it may. */
    public String refusal(InetAddress address) {
        String kind = address.isLoopbackAddress() ? "a loopback address"
                : address.isLinkLocalAddress() ? "a link-local address (cloud metadata services live there)"
                : address.isSiteLocalAddress() ? "a private address"
                : address.isAnyLocalAddress() ? "the unspecified address"
                : address.isMulticastAddress() ? "a multicast address"
                : SPECIAL.stream().anyMatch(c -> c.contains(address.getAddress())) ? "an internal address"
                : null;
        if (kind == null || allowed.stream().anyMatch(c -> c.contains(address.getAddress()))) {
            return null;
        }
        return address.getHostAddress() + " is " + kind + "; OPENCCM_REGISTRY_ALLOWED_NETWORKS does not allow it";
    }

    /** Why this host may not be contacted (any address it resolves to is refused), or null when it may. */
    public String refusal(String host) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return null; // the connection then fails with its own, clearer reason
        }
        for (InetAddress a : addresses) {
            String why = refusal(a);
            if (why != null) {
                return host + " resolves to " + why;
            }
        }
        return null;
    }

    static Cidr cidr(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        if (!address.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("not an IP network: " + text + " (OPENCCM_REGISTRY_ALLOWED_NETWORKS takes CIDRs)");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP network: " + text, e);
        }
        int bits;
        try {
            bits = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an IP network: " + text, e);
        }
        if (bits < 0 || bits > bytes.length * 8) {
            throw new IllegalArgumentException("not an IP network: " + text);
        }
        return new Cidr(bytes, bits);
    }
}
