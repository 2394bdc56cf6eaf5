// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openccm.server.registry.OciRegistryClient.Reference;
import org.openccm.server.registry.OciRegistryClient.RegistryException;

/** Against a real registry on loopback: push an image the test builds, pull it back, and fail clearly. */
class OciRegistryClientTest {
    private static final RegistryService.Credential GOOD = new RegistryService.Credential(TestRegistry.USER, TestRegistry.PASSWORD);
    private final OciRegistryClient client = new OciRegistryClient(List.of("127.0.0.1", "localhost"), new NetworkRules(List.of("127.0.0.1/32")));

    @Test
    void pushesAnImageAndPullsItBack() throws Exception {
        Reference ref = Reference.parse(TestRegistry.host() + "/openccm/app-" + UUID.randomUUID() + ":v1");
        byte[] layer = "a layer, stored as an opaque blob".getBytes(StandardCharsets.UTF_8);
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"ExposedPorts\":{\"8080/tcp\":{}}}}"
                .getBytes(StandardCharsets.UTF_8);
        String layerDigest = client.pushBlob(ref, layer, GOOD);
        String configDigest = client.pushBlob(ref, config, GOOD);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + OciRegistryClient.OCI_MANIFEST + "\","
                        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                        + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                        + "\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length + "}]}")
                .getBytes(StandardCharsets.UTF_8);

        String pushed = client.pushManifest(ref, OciRegistryClient.OCI_MANIFEST, manifest, GOOD);
        OciRegistryClient.Manifest pulled = client.manifest(ref, GOOD);

        assertThat(pulled.digest()).isEqualTo(pushed);
        assertThat(pulled.bytes()).isEqualTo(manifest);
        assertThat(pulled.json().at("/layers/0/digest").asString()).isEqualTo(layerDigest);
        assertThat(client.blob(ref, layerDigest, GOOD)).isEqualTo(layer);
        assertThat(client.blob(ref, configDigest, GOOD)).isEqualTo(config);
        assertThat(client.pushBlob(ref, layer, GOOD)).as("an existing blob is not uploaded twice").isEqualTo(layerDigest);
    }

    @Test
    void aLoginIsNotLentToAnotherCredentialWithTheSameUserName() throws Exception {
        // Two accounts, one repository, one user name, different passwords: the second must not ride on the first's login.
        Reference ref = Reference.parse(TestRegistry.host() + "/openccm/shared-" + UUID.randomUUID() + ":v1");
        client.pushBlob(ref, "first account's layer".getBytes(StandardCharsets.UTF_8), GOOD);

        assertThatThrownBy(() -> client.pushBlob(ref, "second account's layer".getBytes(StandardCharsets.UTF_8),
                        new RegistryService.Credential(TestRegistry.USER, "the second account's wrong password")))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.getMessage()).contains("refused the credentials");
                });
    }

    @Test
    void internalAddressesAreRefusedBeforeAnyConnectionUnlessAllowed() {
        OciRegistryClient strict = new OciRegistryClient(List.of("127.0.0.1"), NetworkRules.strict());

        assertThatThrownBy(() -> strict.manifest(Reference.parse(TestRegistry.host() + "/openccm/any:v1"), GOOD))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("refused to contact", "127.0.0.1 is a loopback address", "OPENCCM_REGISTRY_ALLOWED_NETWORKS");
                });
        assertThatThrownBy(() -> strict.manifest(Reference.parse("169.254.169.254/latest/meta-data:v1"), null))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.getMessage()).contains("link-local", "metadata"));
        assertThatThrownBy(() -> strict.manifest(Reference.parse("10.0.0.7:5000/internal/app:v1"), null))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.getMessage()).contains("10.0.0.7 is a private address"));
    }

    @Test
    void aRedirectToARefusedAddressIsNotFollowed() throws Exception {
        // A registry (allowed: 127.0.0.1) that sends the client on to 127.0.0.2 (loopback, not allowed) and to metadata.
        com.sun.net.httpserver.HttpServer redirector = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        java.util.concurrent.atomic.AtomicReference<String> target = new java.util.concurrent.atomic.AtomicReference<>();
        redirector.createContext("/", x -> {
            x.getResponseHeaders().add("Location", target.get());
            x.sendResponseHeaders(307, -1);
            x.close();
        });
        redirector.start();
        try {
            Reference ref = Reference.parse("127.0.0.1:" + redirector.getAddress().getPort() + "/openccm/app:v1");
            for (String refused : List.of("http://127.0.0.2:" + redirector.getAddress().getPort() + "/v2/x", "http://169.254.169.254/latest/meta-data/")) {
                target.set(refused);
                assertThatThrownBy(() -> client.blob(ref, "sha256:" + "0".repeat(64), null))
                        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.getMessage()).contains("refused to contact", "OPENCCM_REGISTRY_ALLOWED_NETWORKS"));
            }
        } finally {
            redirector.stop(0);
        }
    }

    @Test
    void wrongOrMissingCredentialsAndMissingImagesFailWithTheirReason() {
        Reference ref = Reference.parse(TestRegistry.host() + "/openccm/absent:v1");

        assertThatThrownBy(() -> client.manifest(ref, new RegistryService.Credential(TestRegistry.USER, "wrong")))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.getMessage()).contains("refused the credentials");
                });
        assertThatThrownBy(() -> client.manifest(ref, null))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.getMessage()).contains("requires credentials"));
        assertThatThrownBy(() -> client.manifest(ref, GOOD))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThatThrownBy(() -> client.manifest(Reference.parse("127.0.0.1:1/openccm/down:v1"), GOOD))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.getMessage()).contains("unreachable"));
    }

    @Test
    void parsesImageReferencesAsDockerDoes() {
        assertThat(Reference.parse("nginx")).isEqualTo(new Reference("docker.io", "library/nginx", "latest"));
        assertThat(Reference.parse("docker.io/team/app:1.0")).isEqualTo(new Reference("docker.io", "team/app", "1.0"));
        assertThat(Reference.parse("registry.example.com:5000/a/b@sha256:abc"))
                .isEqualTo(new Reference("registry.example.com:5000", "a/b", "sha256:abc"));
        assertThat(Reference.parse("localhost/app")).isEqualTo(new Reference("localhost", "app", "latest"));
    }
}
