// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.aci;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The confidential-container policy (Rego) that Azure's confcom tool ("az confcom acipolicygen") writes for a
 * container group, pinned to one release of its data (api 0.10.0, framework 0.2.3): a policy from one release must
 * be generated with that release's defaults throughout, or its hash matches nothing ACI reports.
 *
 * <p>For each container: the image's layers as dm-verity roots (base layer first), its environment as exact rules
 * next to the platform's injected ones, its command (Entrypoint then Cmd), working directory, user and stop signal,
 * the unprivileged capability set and the resolv.conf mount; then the pause container every group runs.
 */
public final class AciPolicyGenerator {
    public static final String API_VERSION = "0.10.0";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNode DATA = resourceJson("/aci/confcom-0.10.0.json");
    private static final String TEMPLATE = resourceText("/aci/confcom-0.10.0-policy.rego.template");
    private static final Map<String, Integer> SIGNALS = Map.ofEntries(
            Map.entry("SIGHUP", 1), Map.entry("SIGINT", 2), Map.entry("SIGQUIT", 3), Map.entry("SIGILL", 4),
            Map.entry("SIGTRAP", 5), Map.entry("SIGABRT", 6), Map.entry("SIGBUS", 7), Map.entry("SIGFPE", 8),
            Map.entry("SIGKILL", 9), Map.entry("SIGUSR1", 10), Map.entry("SIGSEGV", 11), Map.entry("SIGUSR2", 12),
            Map.entry("SIGPIPE", 13), Map.entry("SIGALRM", 14), Map.entry("SIGTERM", 15), Map.entry("SIGCHLD", 17),
            Map.entry("SIGCONT", 18), Map.entry("SIGSTOP", 19), Map.entry("SIGTSTP", 20), Map.entry("SIGWINCH", 28));

    private AciPolicyGenerator() {}

    /**
     * One container of the group.
     *
     * @param id the image reference as the deployment template names it
     * @param layers dm-verity roots of the image's layers, base layer first
     * @param imageEnv the image config's Env ("NAME=VALUE")
     * @param entrypoint the image config's Entrypoint, or null
     * @param cmd the image config's Cmd, or null
     * @param workingDir the image config's WorkingDir ("" or null for none)
     * @param user the image config's User ("" or null for none)
     * @param stopSignal the image config's StopSignal, or null
     * @param env variables the deployment sets, overriding the image's of the same name
     */
    public record Container(
            String name,
            String id,
            List<String> layers,
            List<String> imageEnv,
            List<String> entrypoint,
            List<String> cmd,
            String workingDir,
            String user,
            String stopSignal,
            Map<String, String> env) {}

    /** The policy text; debug allows shells, stack dumps and runtime logging, as confcom's --debug-mode. */
    public static String policy(List<Container> containers, boolean debug) {
        ArrayNode list = JSON.createArrayNode();
        for (Container c : containers) {
            list.add(container(c, debug));
        }
        list.add(DATA.get("pause_container"));
        return TEMPLATE.replace("{{api_version}}", PythonJson.compact(DATA.get("api_version")))
                .replace("{{framework_version}}", PythonJson.compact(DATA.get("framework_version")))
                .replace("{{fragments}}", PythonJson.pretty(DATA.get("fragments")))
                .replace("{{containers}}", PythonJson.compact(list))
                .replace("{{debug}}", Boolean.toString(debug));
    }

    /** What ACI puts into the SEV-SNP report's HOST_DATA: SHA-256 of the policy text (not of its base64). */
    public static String hostData(String policy) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(policy.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The policy as ARM templates and CCM's attributes.aci.policy carry it. */
    public static String base64(String policy) {
        return Base64.getEncoder().encodeToString(policy.getBytes(StandardCharsets.US_ASCII));
    }

    private static ObjectNode container(Container c, boolean debug) {
        ObjectNode o = JSON.createObjectNode();
        o.put("allow_elevated", false);
        o.put("allow_stdio_access", true);
        ObjectNode caps = o.putObject("capabilities");
        List<String> unprivileged = new ArrayList<>();
        DATA.get("unprivileged_capabilities").forEach(n -> unprivileged.add(n.stringValue()));
        unprivileged.sort(Comparator.naturalOrder());
        caps.putArray("ambient");
        unprivileged.forEach(caps.putArray("bounding")::add);
        unprivileged.forEach(caps.putArray("effective")::add);
        caps.putArray("inheritable");
        unprivileged.forEach(caps.putArray("permitted")::add);

        List<String> command = new ArrayList<>();
        if (c.entrypoint() != null) {
            command.addAll(c.entrypoint());
        }
        if (c.cmd() != null) {
            command.addAll(c.cmd());
        }
        if (c.entrypoint() == null && c.cmd() == null) {
            o.putNull("command");
        } else {
            command.forEach(o.putArray("command")::add);
        }

        Map<String, String> variables = new LinkedHashMap<>();
        for (String entry : c.imageEnv() == null ? List.<String>of() : c.imageEnv()) {
            int eq = entry.indexOf('=');
            variables.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? "" : entry.substring(eq + 1));
        }
        if (c.env() != null) {
            variables.putAll(c.env()); // the deployment's value wins over the image's
        }
        List<ObjectNode> rules = new ArrayList<>();
        variables.forEach((name, value) -> rules.add(JSON.createObjectNode()
                .put("pattern", name + "=" + value)
                .put("required", false)
                .put("strategy", "string")));
        for (JsonNode rule : DATA.get("default_env_rules")) {
            String pattern = rule.get("pattern").stringValue();
            boolean shadowed = rule.get("strategy").stringValue().equals("string")
                    && variables.containsKey(pattern.substring(0, pattern.indexOf('=')));
            if (!shadowed) {
                rules.add((ObjectNode) rule);
            }
        }
        rules.sort(Comparator.comparing(r -> r.get("pattern").stringValue(), AciPolicyGenerator::codePoints));
        ArrayNode envRules = o.putArray("env_rules");
        rules.forEach(envRules::add);

        o.set("exec_processes", debug ? DATA.get("debug_exec_processes") : JSON.createArrayNode());
        o.put("id", c.id());
        c.layers().forEach(o.putArray("layers")::add);
        o.set("mounts", DATA.get("default_mounts"));
        o.put("name", c.name());
        o.put("no_new_privileges", false);
        o.put("seccomp_profile_sha256", "");
        ArrayNode signals = o.putArray("signals");
        Integer stop = signal(c.stopSignal());
        if (stop != null) {
            signals.add(stop);
        }
        o.set("user", user(c.user()));
        o.put("working_dir", c.workingDir() == null || c.workingDir().isEmpty() ? "/" : c.workingDir());
        return o;
    }

    private static ObjectNode user(String user) {
        ObjectNode u = JSON.createObjectNode();
        String name = user == null ? "" : user;
        String group = "";
        int colon = name.indexOf(':');
        if (colon >= 0) {
            group = name.substring(colon + 1);
            name = name.substring(0, colon);
        }
        u.putArray("group_idnames").add(idName(group));
        u.put("umask", "0022");
        u.set("user_idname", idName(name));
        return u;
    }

    private static ObjectNode idName(String value) {
        String strategy = value.isEmpty() ? "any" : value.chars().allMatch(Character::isDigit) ? "id" : "name";
        return JSON.createObjectNode().put("pattern", value).put("strategy", strategy);
    }

    static Integer signal(String stopSignal) {
        if (stopSignal == null || stopSignal.isBlank()) {
            return null;
        }
        String s = stopSignal.trim().toUpperCase(Locale.ROOT);
        if (s.chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(s);
        }
        Integer n = SIGNALS.get(s.startsWith("SIG") ? s : "SIG" + s);
        if (n == null) {
            throw new IllegalArgumentException("unknown stop signal " + stopSignal);
        }
        return n;
    }

    private static int codePoints(String a, String b) {
        int[] x = a.codePoints().toArray();
        int[] y = b.codePoints().toArray();
        return java.util.Arrays.compare(x, y);
    }

    private static JsonNode resourceJson(String path) {
        return JSON.readTree(resourceText(path));
    }

    private static String resourceText(String path) {
        try (InputStream in = AciPolicyGenerator.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
