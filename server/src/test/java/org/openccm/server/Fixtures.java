// SPDX-License-Identifier: Apache-2.0
package org.openccm.server;

import java.util.UUID;
import tools.jackson.databind.node.ObjectNode;

/** Valid request bodies to start from; tests change one field at a time. */
public final class Fixtures {
    public static final String MRENCLAVE = "784acfd7d5096a8f0fbd3265760bff21b120f62407a9a9e5ba31aa3c8ed198fc";
    public static final String MRSIGNER = "fb4bab3d6036ac1d730fa83d7366df1dd2dfeac194ef335d6854d8a6c6475542";

    /** A registry that refuses connections at once. */
    public static final String UNREACHABLE = "127.0.0.1:9";

    private Fixtures() {}

    public static String hex(int bytes, int seed) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < bytes; i++) {
            s.append(String.format("%02x", (seed * 31 + i * 7) & 0xff));
        }
        return s.toString();
    }

    public static ObjectNode app(String type) {
        ObjectNode app = Api.object().put("name", type.toLowerCase() + "-" + UUID.randomUUID()).put("type", type);
        switch (type) {
            case "EDP-SGX" -> app.put("type", "EDP").put("platform", "SGX");
            case "EDP-NITRO" -> app.put("type", "EDP").put("platform", "NITRO");
            // Port 9 on loopback refuses at once: the background conversion these images start fails fast and
            // no test ever sends traffic off this machine.
            case "ENCLAVE_OS" -> app.put("input_image_name", UNREACHABLE + "/openccm/nginx")
                    .put("output_image_name", UNREACHABLE + "/openccm/nginx-nitro");
            case "ACI" -> app.put("input_image_name", UNREACHABLE + "/library/python");
            default -> {}
        }
        app.putArray("allowed_domains").add("app.example.com");
        return app;
    }

    /** An EDP app for Nitro whose one domain name is approved; its id. */
    public static UUID approvedNitroApp(Api api, String domain) {
        ObjectNode request = app("EDP-NITRO");
        request.putArray("allowed_domains").add(domain);
        tools.jackson.databind.JsonNode app = api.post("/v1/apps", request).expect(200).body();
        approve(api, app.path("pending_task_id").asString());
        return UUID.fromString(app.path("app_id").asString());
    }

    /** Registers a Nitro image of the app with these PCR0-2 (hex); the created image, still pending. */
    public static tools.jackson.databind.JsonNode nitroImage(Api api, UUID app, java.util.List<String> pcrs) {
        ObjectNode image = Api.object().put("app_id", app.toString());
        image.putObject("attributes").putObject("nitro_enclave").put("hash_algorithm", "Sha384")
                .put("pcr0", pcrs.get(0)).put("pcr1", pcrs.get(1)).put("pcr2", pcrs.get(2));
        return api.post("/v1/builds", image).expect(200).body();
    }

    /** Registers and approves a Nitro image; its build id. */
    public static String approvedNitroImage(Api api, UUID app, java.util.List<String> pcrs) {
        tools.jackson.databind.JsonNode image = nitroImage(api, app, pcrs);
        approve(api, image.path("pending_task_id").asString());
        return image.path("build_id").asString();
    }

    /**
     * A workload of an approved Nitro image attests (a document minted under the test Nitro root, bound to a fresh
     * challenge and key) and gets a certificate: the attestation's answer (certificate_id, node_id, ...).
     */
    public static tools.jackson.databind.JsonNode attestedNitroWorkload(Api api, java.util.List<String> pcrs) throws Exception {
        var key = org.openccm.server.attestation.TestNitroEnclave.workloadKey();
        String nonce = api.post("/v1/attestation/challenge", null).expect(200).text("nonce");
        return api.post("/v1/attestation", Api.object()
                        .put("platform", "NITRO")
                        .put("evidence", java.util.Base64.getEncoder().encodeToString(org.openccm.server.attestation.TestNitroEnclave.document(
                                pcrs, key.getPublic().getEncoded(), null, java.util.Base64.getDecoder().decode(nonce))))
                        .put("csr", org.openccm.server.attestation.AttestationApiTest.csr(key))
                        .put("nonce", nonce))
                .expect(200)
                .body();
    }

    public static void approve(Api api, String task) {
        api.patch("/v1/tasks/" + task, Api.object().put("status", "APPROVED")).expect(200);
    }

    /** Creates an app of the type (EDP-SGX, EDP-NITRO, ENCLAVE_OS, ACI, AZURE_CVM, AMD_SEV_SNP, TDX). */
    public static UUID createApp(Api api, String type) {
        return api.post("/v1/apps", app(type)).expect(200).id("app_id");
    }

    public static ObjectNode sgxBuild(UUID app) {
        return Api.object()
                .put("app_id", app.toString())
                .put("mrenclave", MRENCLAVE)
                .put("mrsigner", MRSIGNER)
                .put("isvprodid", 7)
                .put("isvsvn", 3);
    }

    public static ObjectNode nitroBuild(UUID app, int seed) {
        ObjectNode b = Api.object().put("app_id", app.toString());
        b.putObject("attributes")
                .putObject("nitro_enclave")
                .put("hash_algorithm", "Sha384")
                .put("pcr0", hex(48, seed))
                .put("pcr1", hex(48, seed + 1))
                .put("pcr2", hex(48, seed + 2));
        return b;
    }

    public static ObjectNode cvmBuild(UUID app, String... pcrs) {
        ObjectNode b = Api.object().put("app_id", app.toString());
        ObjectNode cvm = b.putObject("attributes").putObject("azure_cvm");
        ObjectNode bank = cvm.putObject("pcrs").put("hash_alg", "SHA256");
        for (int i = 0; i < pcrs.length; i += 2) {
            bank.put(pcrs[i], pcrs[i + 1]);
        }
        cvm.putArray("coprocessors");
        return b;
    }

    public static ObjectNode snpBuild(UUID app) {
        ObjectNode b = Api.object().put("app_id", app.toString());
        ObjectNode snp = b.putObject("attributes").putObject("baremetal_amd_sev_snp");
        snp.put("measurement", hex(48, 5)).put("vmpl", "vmpl0");
        snp.putArray("coprocessors").addObject().put("attestation", "Ignored").put("gpu_vendor", "Nvidia");
        return b;
    }

    public static ObjectNode tdxBuild(UUID app) {
        ObjectNode b = Api.object().put("app_id", app.toString());
        ObjectNode tdx = b.putObject("attributes").putObject("baremetal_tdx");
        tdx.put("mrtd", hex(48, 1))
                .put("rtmr0", hex(48, 2))
                .put("rtmr1", hex(48, 3))
                .put("rtmr2", hex(48, 4))
                .put("rtmr3", hex(48, 5));
        tdx.putArray("coprocessors");
        return b;
    }

    public static ObjectNode aciBuild(UUID app, String tag) {
        ObjectNode b = Api.object().put("app_id", app.toString());
        if (tag != null) {
            b.putObject("docker_info").put("docker_version", tag);
        }
        return b;
    }
}
