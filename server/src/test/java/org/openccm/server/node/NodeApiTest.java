// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import org.openccm.server.attestation.AttestationApiTest;
import org.openccm.server.attestation.TestNitroEnclave;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Each attested workload instance is a node of its zone: what it measured, the image it matched, its attestations
 * and certificates. Deactivating it revokes every certificate it got, and it cannot attest again under its name.
 */
class NodeApiTest extends ApiTest {
    private static final List<String> PCRS = List.of(Fixtures.hex(48, 81), Fixtures.hex(48, 82), Fixtures.hex(48, 83));
    private String build;
    private Api workload;

    @BeforeEach
    void workloadWithAJoinToken() {
        api.logInToNewAccount();
        build = Fixtures.approvedNitroImage(api, Fixtures.approvedNitroApp(api, "node.example.com"), PCRS);
        String zone = api.get("/v1/zones").expect(200).body().path(0).path("zone_id").asString();
        workload = api.as(api.post("/v1/zones/" + zone + "/tokens", null).expect(201).text("token"));
    }

    @Test
    void anAttestedWorkloadIsANodeWithItsMeasurementsImageAndCertificates() {
        JsonNode first = attest("web-1").expect(200).body();
        JsonNode second = attest("web-1").expect(200).body();

        assertThat(second.path("node_id").asString()).isEqualTo(first.path("node_id").asString());
        JsonNode nodes = api.get("/v1/nodes").expect(200).body();
        assertThat(nodes.path("items")).hasSize(1);
        JsonNode node = nodes.path("items").path(0);
        assertThat(node.path("name").asString()).isEqualTo("web-1");
        assertThat(node.at("/status/status").asString()).isEqualTo("RUNNING");
        assertThat(node.path("platform").asString()).isEqualTo("NITRO");
        assertThat(node.path("build_id").asString()).isEqualTo(build);
        assertThat(node.at("/measured/pcr0").asString()).isEqualTo(PCRS.get(0));
        assertThat(node.path("attestation_count").asLong()).isEqualTo(2);
        assertThat(api.get("/v1/nodes/" + first.path("node_id").asString() + "/certificate").expect(200).text("certificate_id"))
                .isEqualTo(second.path("certificate_id").asString());
        assertThat(api.get("/v1/nodes/" + first.path("node_id").asString() + "/certificates").expect(200).body()).hasSize(2);
        String nodeId = first.path("node_id").asString();
        JsonNode details = api.get("/v1/nodes/" + nodeId + "/certificate-details").expect(200).body();
        assertThat(details.path("subject_name").asString()).contains("node.example.com");
        assertThat(details.path("valid_until").asLong()).isGreaterThan(details.path("valid_from").asLong());
        String app = node.at("/apps/0/app_id").asString();
        assertThat(api.get("/v1/apps/" + app + "/node/" + nodeId + "/certificate").expect(200).text("certificate_id"))
                .isEqualTo(second.path("certificate_id").asString());
        api.get("/v1/apps/" + java.util.UUID.randomUUID() + "/node/" + nodeId + "/certificate").expect(404);
        assertThat(api.get("/v1/apps/" + app + "/node/" + nodeId + "/certificate-details").expect(200).text("issuer_name")).isNotBlank();
        JsonNode deployments = api.get("/v1/builds/deployments/" + build).expect(200).body();
        assertThat(deployments.at("/items/0/node_id").asString()).isEqualTo(nodeId);
        assertThat(deployments.at("/metadata/total_count").asInt()).isEqualTo(1);
        attest(null).expect(200);
        assertThat(api.get("/v1/nodes?name=web-1").expect(200).body().path("items")).hasSize(1);
        assertThat(api.get("/v1/nodes").expect(200).body().path("items")).as("a node named after its key").hasSize(2);
    }

    @Test
    void deactivatingANodeRevokesItsCertificatesAndStopsItsAttestations() throws Exception {
        JsonNode first = attest("batch-7").expect(200).body();
        JsonNode second = attest("batch-7").expect(200).body();
        String node = first.path("node_id").asString();

        api.post("/v1/nodes/" + node + "/deactivate", null).expect(204);

        assertThat(api.get("/v1/nodes/" + node).expect(200).body().at("/status/status").asString()).isEqualTo("DEACTIVATED");
        X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509")
                .generateCRL(new ByteArrayInputStream(api.get("/v1/pki/crl").expect(200).raw().body().getBytes()));
        assertThat(crl.isRevoked(certificate(first.path("certificate").asString()))).isTrue();
        assertThat(crl.isRevoked(certificate(second.path("certificate").asString()))).isTrue();
        Api.Response again = attest("batch-7").expect(422);
        assertThat(again.text("reason")).isEqualTo("NODE_DEACTIVATED");
        assertThat(again.text("field")).isEqualTo("node_name");
        assertThat(api.post("/v1/nodes/" + node + "/deactivate", null).status()).isEqualTo(409);
        assertThat(api.get("/v1/audit?action=node.deactivated").expect(200).body().path("items")).hasSize(1);
    }

    @Test
    void nodesAreScopedAndDeactivationNeedsAnEditor() {
        String node = attest("api-3").expect(200).body().path("node_id").asString();

        assertThat(api.newMember("VIEWER").post("/v1/nodes/" + node + "/deactivate", null).status()).isEqualTo(403);
        assertThat(workload.get("/v1/nodes").status()).isEqualTo(403);
        api.logInToNewAccount();
        assertThat(api.get("/v1/nodes/" + node).status()).isEqualTo(404);
        assertThat(api.get("/v1/nodes/" + UUID.randomUUID()).status()).isEqualTo(404);
    }

    @Test
    void aNodesDescriptionAndLabelsChangeByJsonPatchAndItsNameDoesNot() {
        String node = attest("db-2").expect(200).body().path("node_id").asString();
        ObjectNode update = Api.object();
        var patch = update.putArray("patch");
        patch.addObject().put("op", "replace").put("path", "/description").put("value", "primary database");
        patch.addObject().put("op", "replace").put("path", "/labels").putObject("value").put("tier", "data").put("site", "ams");
        patch.addObject().put("op", "add").put("path", "/labels/owner~1team").put("value", "storage");
        patch.addObject().put("op", "remove").put("path", "/labels/site");

        JsonNode updated = api.patch("/v1/nodes/" + node, update).expect(200).body();

        assertThat(updated.path("description").asString()).isEqualTo("primary database");
        assertThat(updated.path("labels").properties()).extracting(java.util.Map.Entry::getKey).containsExactlyInAnyOrder("owner/team", "tier");
        assertThat(api.get("/v1/nodes/" + node).expect(200).body().path("labels").path("tier").asString()).isEqualTo("data");
        assertThat(attest("db-2").expect(200).body().path("node_id").asString()).as("still the same node").isEqualTo(node);
        assertThat(api.get("/v1/nodes/" + node).expect(200).body().path("description").asString()).isEqualTo("primary database");
        assertThat(api.get("/v1/audit?action=node.updated").expect(200).body().path("items")).hasSize(1);
        ObjectNode rename = Api.object();
        rename.putArray("patch").addObject().put("op", "replace").put("path", "/name").put("value", "db-3");
        api.patch("/v1/nodes/" + node, rename).rejects("patch[0].path");
        ObjectNode notText = Api.object();
        notText.putArray("patch").addObject().put("op", "replace").put("path", "/description").putObject("value");
        api.patch("/v1/nodes/" + node, notText).rejects("patch[0].value");
        ObjectNode badOp = Api.object();
        badOp.putArray("patch").addObject().put("op", "move").put("path", "/description").put("value", "x");
        api.patch("/v1/nodes/" + node, badOp).rejects("patch[0].op");
        assertThat(api.newMember("VIEWER").patch("/v1/nodes/" + node, update).status()).isEqualTo(403);
        assertThat(api.get("/v1/nodes/" + node).expect(200).body().path("name").asString()).isEqualTo("db-2");
    }

    @Test
    void aProvisionedNodeWaitsForItsFirstAttestationUnderItsName() {
        ObjectNode provision = Api.object().put("name", "edge-1").put("ipaddress", "192.0.2.7").put("sgx_version", "2.19")
                .put("description", "rack 4");
        provision.putObject("sys_info").put("num_cpu_cores", 8).put("epc_size", 0);

        JsonNode task = workload.post("/v1/nodes", provision).expect(200).body();

        assertThat(task.path("task_type").asString()).isEqualTo("NODE_ATTESTATION");
        assertThat(task.at("/task_status/status").asString()).isEqualTo("INPROGRESS");
        String id = task.path("node_id").asString();
        JsonNode node = api.get("/v1/nodes/" + id).expect(200).body();
        assertThat(node.at("/status/status").asString()).isEqualTo("PROVISIONED");
        assertThat(node.path("ipaddress").asString()).isEqualTo("192.0.2.7");
        assertThat(node.at("/sgx_info/version").asString()).isEqualTo("2.19");
        assertThat(node.at("/sys_info/num_cpu_cores").asInt()).isEqualTo(8);
        assertThat(node.path("description").asString()).isEqualTo("rack 4");
        assertThat(node.path("attested_at").isNull() || node.path("attested_at").isMissingNode()).isTrue();
        assertThat(api.get("/v1/nodes").expect(200).body().path("items").path(0).path("node_id").asString()).isEqualTo(id);

        assertThat(attest("edge-1").expect(200).body().path("node_id").asString()).isEqualTo(id);

        JsonNode running = api.get("/v1/nodes/" + id).expect(200).body();
        assertThat(running.at("/status/status").asString()).isEqualTo("RUNNING");
        assertThat(running.path("attestation_count").asLong()).isEqualTo(1);
        assertThat(running.path("platform").asString()).isEqualTo("NITRO");
        assertThat(api.get("/v1/audit?action=node.provisioned").expect(200).body().path("items")).hasSize(1);
        assertThat(api.post("/v1/nodes", provision).expect(409).text("field")).isEqualTo("name");
        ObjectNode withQuote = provision.deepCopy().put("name", "edge-2");
        withQuote.putObject("attestation_request").put("csr", "x");
        api.post("/v1/nodes", withQuote).rejects("attestation_request");
        api.post("/v1/nodes", Api.object().put("name", "edge-3").put("sgx_version", "2")).rejects("ipaddress");
        assertThat(api.newMember("VIEWER").post("/v1/nodes", provision.deepCopy().put("name", "edge-4")).status()).isEqualTo(403);
    }

    @Test
    void aNodeNameIsPrintableAndBounded() {
        assertThat(attest("x".repeat(201)).status()).isEqualTo(400);
        assertThat(attest("tab\there").status()).isEqualTo(400);
    }

    private Api.Response attest(String nodeName) {
        KeyPair key = TestNitroEnclave.workloadKey();
        String nonce = workload.post("/v1/attestation/challenge", null).expect(200).text("nonce");
        byte[] evidence = TestNitroEnclave.document(PCRS, key.getPublic().getEncoded(), null, Base64.getDecoder().decode(nonce));
        ObjectNode body = Api.object()
                .put("platform", "NITRO")
                .put("evidence", Base64.getEncoder().encodeToString(evidence))
                .put("csr", AttestationApiTest.csr(key))
                .put("nonce", nonce);
        if (nodeName != null) {
            body.put("node_name", nodeName);
        }
        return workload.post("/v1/attestation", body);
    }


    private static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem.getBytes()));
    }
}
