// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.registry;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.openccm.server.Api;
import org.openccm.server.TestFiles;
import org.openccm.server.registry.OciRegistryClient.Reference;
import tools.jackson.databind.node.ObjectNode;

/** Images the tests push to the loopback registry through OpenCCM's own client. */
public final class TestImages {
    public static final RegistryService.Credential CREDENTIAL = new RegistryService.Credential(TestRegistry.USER, TestRegistry.PASSWORD);
    /** The dm-verity roots of the two layers of {@link #pushAciImage}: tar2ext4 vectors 02 and 04. */
    public static final String BASIC_ROOT = "f93f312f2a3d7d053629a30eb923fe580e0f9600643d210f0816f94e1c3c5820";
    public static final String WHITEOUTS_ROOT = "7faf6bb1e76e2edc655b248199606e9f6e01334dbffe5396d3e796a18dbf89d3";
    private static final OciRegistryClient CLIENT = new OciRegistryClient(List.of("127.0.0.1"), new NetworkRules(List.of("127.0.0.0/8")));

    private TestImages() {}

    /**
     * Two layers from the tar2ext4 vectors (02-basic gzip-compressed, 04-whiteouts plain), an Entrypoint, Cmd, Env
     * and port 8080; optionally a wrong diff_id for the second layer. Returns the manifest digest.
     */
    public static String pushAciImage(String name, boolean wrongDiffId) throws Exception {
        return pushAciImage(name, wrongDiffId, false);
    }

    /** The same image with its first layer zstd-compressed instead of gzip. */
    public static String pushAciImage(String name, boolean wrongDiffId, boolean zstd) throws Exception {
        Reference ref = Reference.parse(name);
        byte[] basic = Files.readAllBytes(TestFiles.vector("aci/tar2ext4/02-basic.tar"));
        byte[] whiteouts = Files.readAllBytes(TestFiles.vector("aci/tar2ext4/04-whiteouts.tar"));
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (java.io.OutputStream out = zstd ? new io.airlift.compress.zstd.ZstdOutputStream(compressed) : new GZIPOutputStream(compressed)) {
            out.write(basic);
        }
        byte[] layer1 = compressed.toByteArray();
        ObjectNode config = Api.object().put("architecture", "amd64").put("os", "linux");
        ObjectNode c = config.putObject("config");
        c.putArray("Entrypoint").add("/bin/server");
        c.putArray("Cmd").add("--port").add("8080");
        c.putArray("Env").add("PATH=/usr/bin:/bin");
        c.putObject("ExposedPorts").putObject("8080/tcp");
        config.putObject("rootfs").put("type", "layers").putArray("diff_ids")
                .add(OciRegistryClient.digest(basic))
                .add(wrongDiffId ? OciRegistryClient.digest(basic) : OciRegistryClient.digest(whiteouts));
        byte[] configBytes = config.toString().getBytes(StandardCharsets.UTF_8);
        String d1 = CLIENT.pushBlob(ref, layer1, CREDENTIAL);
        String d2 = CLIENT.pushBlob(ref, whiteouts, CREDENTIAL);
        String cd = CLIENT.pushBlob(ref, configBytes, CREDENTIAL);
        ObjectNode manifest = Api.object().put("schemaVersion", 2).put("mediaType", OciRegistryClient.OCI_MANIFEST);
        manifest.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json").put("digest", cd).put("size", configBytes.length);
        var layers = manifest.putArray("layers");
        layers.addObject().put("mediaType", zstd ? "application/vnd.oci.image.layer.v1.tar+zstd" : "application/vnd.oci.image.layer.v1.tar+gzip").put("digest", d1).put("size", layer1.length);
        layers.addObject().put("mediaType", "application/vnd.oci.image.layer.v1.tar").put("digest", d2).put("size", whiteouts.length);
        return CLIENT.pushManifest(ref, OciRegistryClient.OCI_MANIFEST, manifest.toString().getBytes(StandardCharsets.UTF_8), CREDENTIAL);
    }
}
