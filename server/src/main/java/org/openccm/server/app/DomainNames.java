// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.app;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.openccm.server.error.InvalidField;

/**
 * The DNS names an app's certificates may carry: RFC 1123 host names, lower-cased, with an optional leading
 * {@code *.} wildcard label. Anything else could not appear in a certificate's subjectAltName as a dNSName. An IP
 * literal is not a DNS name (a certificate for 127.0.0.1 would vouch for whatever host answers there), nor, unless
 * the operator allows them ({@code openccm.pki.allow-single-label-domains}), is a single label such as
 * {@code localhost}, which public CAs refuse for the same reason.
 */
public final class DomainNames {
    public static final int MAX_DOMAINS = 100;
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private final boolean singleLabel;

    public DomainNames(boolean allowSingleLabel) {
        this.singleLabel = allowSingleLabel;
    }

    public List<String> normalize(String field, List<String> domains) {
        if (domains == null) {
            return List.of();
        }
        if (domains.size() > MAX_DOMAINS) {
            throw new InvalidField(field, "at most " + MAX_DOMAINS + " domain names");
        }
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < domains.size(); i++) {
            out.add(domain(field + "[" + i + "]", domains.get(i)));
        }
        return new ArrayList<>(out);
    }

    String domain(String field, String raw) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidField(field, "must be a DNS name");
        }
        String name = raw.trim().toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.length() > 253) {
            throw new InvalidField(field, "a DNS name has at most 253 characters");
        }
        if (IPV4.matcher(name).matches() || name.contains(":")) {
            throw new InvalidField(field, "'" + raw + "' is an IP address; certificates name hosts by DNS name only");
        }
        String[] labels = name.split("\\.", -1);
        if (labels.length == 1 && !singleLabel) {
            throw new InvalidField(field, "'" + raw + "' is a single label; use a fully qualified name (or allow single labels:"
                    + " openccm.pki.allow-single-label-domains)");
        }
        for (int i = 0; i < labels.length; i++) {
            boolean wildcard = i == 0 && labels[i].equals("*") && labels.length > 2;
            if (!wildcard && !LABEL.matcher(labels[i]).matches()) {
                throw new InvalidField(
                        field,
                        "'" + raw + "' is not a DNS name (labels of a-z, 0-9 and inner '-', at most 63 characters;"
                                + " a wildcard only as '*.' before at least two labels)");
            }
        }
        return name;
    }
}
