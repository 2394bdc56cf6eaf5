// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.aci;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The ARM template that deploys a confidential container group running one image under its policy: the
 * "Confidential" SKU, the base64 policy in confidentialComputeProperties.ccePolicy, the CPU and memory requests,
 * the exposed ports, and the variables and command the policy was generated for (a template that differs from its
 * policy would be refused by ACI at container start). A registry password is a secure parameter, never a value.
 */
public final class AciDeploymentTemplate {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private AciDeploymentTemplate() {}

    public record Port(int port, String protocol) {}

    public record Spec(
            String groupName,
            String containerName,
            String image,
            int cpuCount,
            double memoryInGb,
            List<Port> ports,
            List<String> command,
            Map<String, String> env,
            String registryServer,
            String registryUsername,
            String ccePolicy) {}

    public static ObjectNode of(Spec s) {
        ObjectNode t = JSON.createObjectNode();
        t.put("$schema", "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#");
        t.put("contentVersion", "1.0.0.0");
        ObjectNode parameters = t.putObject("parameters");
        parameters.putObject("name").put("type", "string").put("defaultValue", s.groupName());
        parameters.putObject("location").put("type", "string").put("defaultValue", "[resourceGroup().location]");
        if (s.registryServer() != null) {
            parameters.putObject("registryPassword").put("type", "securestring").putObject("metadata")
                    .put("description", "Password or token of " + s.registryUsername() + " at " + s.registryServer());
        }
        ObjectNode group = t.putArray("resources").addObject();
        group.put("name", "[parameters('name')]");
        group.put("type", "Microsoft.ContainerInstance/containerGroups");
        group.put("apiVersion", "2023-05-01");
        group.put("location", "[parameters('location')]");
        ObjectNode props = group.putObject("properties");
        props.put("sku", "Confidential");
        props.put("osType", "Linux");
        props.put("restartPolicy", "OnFailure");
        props.putObject("confidentialComputeProperties").put("ccePolicy", s.ccePolicy());
        if (s.registryServer() != null) {
            props.putArray("imageRegistryCredentials").addObject()
                    .put("server", s.registryServer())
                    .put("username", s.registryUsername())
                    .put("password", "[parameters('registryPassword')]");
        }
        if (!s.ports().isEmpty()) {
            ObjectNode ip = props.putObject("ipAddress").put("type", "Public");
            ArrayNode ports = ip.putArray("ports");
            s.ports().forEach(p -> ports.addObject().put("port", p.port()).put("protocol", p.protocol().toUpperCase(Locale.ROOT)));
        }
        ObjectNode container = props.putArray("containers").addObject();
        container.put("name", s.containerName());
        ObjectNode c = container.putObject("properties");
        c.put("image", s.image());
        if (s.command() != null) {
            ArrayNode command = c.putArray("command");
            s.command().forEach(command::add);
        }
        if (!s.env().isEmpty()) {
            ArrayNode env = c.putArray("environmentVariables");
            s.env().forEach((k, v) -> env.addObject().put("name", k).put("value", v));
        }
        if (!s.ports().isEmpty()) {
            ArrayNode ports = c.putArray("ports");
            s.ports().forEach(p -> ports.addObject().put("port", p.port()).put("protocol", p.protocol().toUpperCase(Locale.ROOT)));
        }
        c.putObject("resources").putObject("requests").put("cpu", s.cpuCount()).put("memoryInGB", s.memoryInGb());
        return t;
    }

    /** A container or group name ACI accepts: lower-case letters, digits and '-', 1 to 63, alphanumeric ends. */
    public static String resourceName(String name) {
        String n = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("-{2,}", "-");
        n = n.replaceAll("^-+", "").replaceAll("-+$", "");
        if (n.length() > 63) {
            n = n.substring(0, 63).replaceAll("-+$", "");
        }
        return n.isEmpty() ? "app" : n;
    }
}
