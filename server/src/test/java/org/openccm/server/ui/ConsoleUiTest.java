// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import org.openccm.server.registry.TestImages;
import org.openccm.server.registry.TestRegistry;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The console in real headless Chromium against the running server: the guide's flows screen by screen, each
 * image form submitted and its image listed, and an API error shown next to the field it names. One browser for
 * the class; every test logs in as a new admin of a new account.
 */
class ConsoleUiTest extends ApiTest {
    @org.springframework.beans.factory.annotation.Autowired
    private org.springframework.jdbc.core.simple.JdbcClient jdbc;

    private static final String PASSWORD = "ui-test-password";
    private static Browser browser;
    private String email;

    @BeforeEach
    void newAccountAndBrowser() {
        if (browser == null) {
            browser = Browser.open(api.base());
        }
        browser.go("#/login");
        ((JavascriptExecutor) browser.driver).executeScript("sessionStorage.clear()");
        api.logInToNewAccount();
        email = "ui-" + UUID.randomUUID() + "@openccm.test";
        api.post("/v1/users", Api.object().put("user_email", email).put("password", PASSWORD).put("role", "ADMIN")).expect(201);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    @Test
    void sgxImageFromItsSigstructIsApprovedOnTheTasksPage() throws Exception {
        byte[] sigstruct = Files.readAllBytes(vector("sigstruct/fortanix-test_enclave.sigstruct.bin"));
        JsonNode expected = api.postRaw("/v1/tools/sigstruct", "application/octet-stream", sigstruct).expect(200).body();

        browser.go("#/login");
        browser.screenshot("01-login");
        browser.logIn(email, PASSWORD);
        browser.screenshot("02-applications");

        browser.click(By.id("add-app"));
        browser.type(By.name("name"), "payments-sgx");
        browser.select(By.name("type"), "EDP");
        browser.select(By.name("platform"), "SGX");
        browser.type(By.name("allowed_domains"), "payments.example.com");
        browser.screenshot("03-new-application");
        browser.click(By.id("app-save"));
        browser.waitForText(By.tagName("h1"), "payments-sgx");

        browser.click(By.id("add-image"));
        browser.type(By.name("docker_info.docker_version"), "1.0.0");
        browser.find(By.id("f-sigstruct-file")).sendKeys(vector("sigstruct/fortanix-test_enclave.sigstruct.bin").toAbsolutePath().toString());
        // Uploading the file fills the four parameters from the SIGSTRUCT.
        assertThat(browser.valueOf(By.name("mrenclave"))).isEqualTo(expected.path("mrenclave").asString());
        assertThat(browser.valueOf(By.name("mrsigner"))).isEqualTo(expected.path("mrsigner").asString());
        assertThat(browser.valueOf(By.name("isvprodid"))).isEqualTo(expected.path("isvprodid").asString());
        assertThat(browser.valueOf(By.name("isvsvn"))).isEqualTo(expected.path("isvsvn").asString());
        browser.screenshot("04-add-sgx-image");
        browser.click(By.id("image-save"));

        WebElement row = browser.find(By.cssSelector("#images tr[data-version='1.0.0']"));
        assertThat(row.getText()).contains("Pending approval").contains("Intel SGX");
        String buildId = row.getDomAttribute("data-build");
        browser.screenshot("05-images-pending");

        browser.click(By.linkText("Tasks"));
        By card = By.cssSelector("form.task[data-entity='" + buildId + "']");
        assertThat(browser.find(card).getText()).contains("Approvals: 0 of 1 required");
        browser.find(By.cssSelector("form.task[data-entity='" + buildId + "'] input[name=comment]")).sendKeys("MRENCLAVE checked against the release build");
        browser.screenshot("06-tasks");
        browser.click(By.cssSelector("form.task[data-entity='" + buildId + "'] button[data-action=approve]"));
        browser.until(d -> d.findElements(card).isEmpty() ? Boolean.TRUE : null);

        browser.click(By.linkText("Applications"));
        browser.click(By.linkText("payments-sgx"));
        WebElement approved = browser.find(By.cssSelector("#images tr[data-build='" + buildId + "'] .status.approved .tick"));
        assertThat(approved.getText()).isEqualTo("✓");
        browser.screenshot("07-images-approved");
        assertThat(api.get("/v1/builds/" + buildId).expect(200).body().at("/status/status").asString()).isEqualTo("WHITELISTED");
        browser.click(By.linkText("1.0.0"));
        assertThat(browser.find(By.id("identity")).getText()).contains(expected.path("mrenclave").asString());
        browser.screenshot("07b-image-details");

        browser.click(By.linkText("Audit"));
        browser.click(By.id("verify-audit"));
        browser.waitForText(By.id("audit-verdict"), "Chain intact");
        browser.screenshot("08-audit");
        browser.click(By.linkText("Certificates"));
        browser.waitForText(By.tagName("h1"), "Certificates");
    }

    @Test
    void anApplicationOfEachTypeIsCreatedFromItsForm() {
        browser.logIn(email, PASSWORD);
        String[][] types = {
            {"EDP", "edp-nitro-app"}, {"ENCLAVE_OS", "nginx-enclave"}, {"ACI", "web-aci-app"},
            {"AMD_SEV_SNP", "snp-vm"}, {"AZURE_CVM", "azure-vm"}, {"TDX", "tdx-guest"},
        };
        for (String[] t : types) {
            browser.go("#/apps/new");
            browser.type(By.name("name"), t[1]);
            browser.select(By.name("type"), t[0]);
            if (t[0].equals("EDP")) {
                browser.select(By.name("platform"), "NITRO");
            }
            if (t[0].equals("ENCLAVE_OS") || t[0].equals("ACI")) {
                browser.type(By.name("input_image_name"), Fixtures.UNREACHABLE + "/team/" + t[1]);
            }
            if (t[0].equals("ENCLAVE_OS")) {
                browser.type(By.name("output_image_name"), Fixtures.UNREACHABLE + "/team/" + t[1] + "-nitro");
            }
            if (t[0].equals("ENCLAVE_OS")) {
                browser.screenshot("03b-new-enclave-os-application");
            }
            browser.click(By.id("app-save"));
            browser.waitForText(By.tagName("h1"), t[1]);
        }
        browser.click(By.linkText("Applications"));
        for (String[] t : types) {
            browser.find(By.cssSelector("#apps tr[data-app='" + t[1] + "']"));
        }
        java.util.Map<String, String> created = new java.util.HashMap<>();
        api.get("/v1/apps?limit=100").expect(200).body().path("items")
                .forEach(a -> created.put(a.path("name").asString(), a.path("type").asString() + "/" + a.path("platform").asString("")));
        assertThat(created).containsEntry("edp-nitro-app", "EDP/NITRO").containsEntry("nginx-enclave", "ENCLAVE_OS/NITRO")
                .containsEntry("web-aci-app", "ACI/").containsEntry("snp-vm", "AMD_SEV_SNP/")
                .containsEntry("azure-vm", "AZURE_CVM/").containsEntry("tdx-guest", "TDX/");
    }

    @Test
    void evidenceIsCheckedAndExplained() throws Exception {
        browser.logIn(email, PASSWORD);
        browser.click(By.linkText("Check evidence"));
        browser.select(By.name("platform"), "SEV_SNP");
        browser.find(By.id("f-evidence-file")).sendKeys(vector("azure-cvm/derived/genoa-snp-report.bin").toAbsolutePath().toString());
        browser.valueOf(By.name("evidence"));
        browser.find(By.name("vcek")).sendKeys(java.nio.file.Files.readString(vector("azure-cvm/derived/genoa-vcek.pem")));
        browser.type(By.name("verification_time"), "2025-06-01T00:00:00Z");
        browser.click(By.id("explain-submit"));

        browser.waitForText(By.id("explain-verdict"), "Verified. Decision: NO_MATCH");
        assertThat(browser.find(By.id("explain-measured")).getText())
                .contains("f57dc09a507c6ecd82369bffb600f0003792f4d99bc26e985ec0c266fc34faf3706faf814c9e61065768a6ff917c89ae");
        ((JavascriptExecutor) browser.driver).executeScript("document.getElementById('explain-result').scrollIntoView()");
        browser.screenshot("19-check-evidence");

        browser.select(By.name("platform"), "NITRO");
        browser.click(By.id("explain-submit"));
        browser.waitForText(By.id("explain-verdict"), "Not verified");
    }

    @Test
    void anIssuedCertificateIsListedAndRevoked() throws Exception {
        java.util.List<String> pcrs = java.util.List.of(Fixtures.hex(48, 21), Fixtures.hex(48, 22), Fixtures.hex(48, 23));
        JsonNode app = api.post("/v1/apps", Fixtures.app("EDP-NITRO").put("name", "payments-nitro")).expect(200).body();
        api.patch("/v1/tasks/" + app.path("pending_task_id").asString(), Api.object().put("status", "APPROVED")).expect(200);
        ObjectNode image = Fixtures.nitroBuild(UUID.fromString(app.path("app_id").asString()), 21);
        ((ObjectNode) image.at("/attributes/nitro_enclave")).put("pcr0", pcrs.get(0)).put("pcr1", pcrs.get(1)).put("pcr2", pcrs.get(2));
        JsonNode build = api.post("/v1/builds", image).expect(200).body();
        api.patch("/v1/tasks/" + build.path("pending_task_id").asString(), Api.object().put("status", "APPROVED")).expect(200);
        var key = org.openccm.server.attestation.TestNitroEnclave.workloadKey();
        String nonce = api.post("/v1/attestation/challenge", null).expect(200).text("nonce");
        api.post("/v1/attestation", Api.object().put("platform", "NITRO")
                        .put("evidence", java.util.Base64.getEncoder().encodeToString(
                                org.openccm.server.attestation.TestNitroEnclave.document(pcrs, key.getPublic().getEncoded(), null,
                                        java.util.Base64.getDecoder().decode(nonce))))
                        .put("csr", org.openccm.server.attestation.AttestationApiTest.csr(key))
                        .put("nonce", nonce))
                .expect(200);

        browser.logIn(email, PASSWORD);
        browser.click(By.linkText("Certificates"));
        browser.waitForText(By.id("certificates"), "app.example.com");
        assertThat(browser.find(By.id("certificates")).getText()).contains("Valid");
        browser.screenshot("08b-certificates");
        browser.click(By.cssSelector("#certificates button.danger"));
        browser.driver.switchTo().alert().accept();
        browser.waitForText(By.id("certificates"), "Revoked");
        assertThat(api.get("/v1/certificates").expect(200).body().at("/items/0/revoked_at").isMissingNode()).isFalse();
    }

    @Test
    void anApiKeyIsShownOnceAndWorks() {
        browser.logIn(email, PASSWORD);
        browser.click(By.linkText("Settings"));
        browser.type(By.cssSelector("#api-key-form [name=name]"), "payments workload");
        browser.click(By.cssSelector("#api-key-form button[type=submit]"));
        String key = browser.find(By.id("new-api-key-value")).getText();
        assertThat(key).startsWith("occm_");
        browser.waitForText(By.id("api-keys"), "payments workload");
        browser.screenshot("18-api-keys");

        Api workload = new Api(api.base()).as(key);
        workload.get("/v1/apps").expect(200);
        browser.click(By.linkText("Applications"));
        browser.click(By.linkText("Settings"));
        assertThat(browser.driver.findElements(By.id("new-api-key"))).isEmpty();
    }

    @Test
    void theCollateralCacheIsShownUnderSettings() {
        String key = "intel:tcb-info:sgx:ui" + UUID.randomUUID().toString().substring(0, 8);
        jdbc.sql("INSERT INTO collateral_items (key, vendor, kind, source, body, valid_from, next_update, fetched_at)"
                        + " VALUES (?, 'intel', 'tcb-info', 'https://pcs.example/sgx/certification/v4/tcb', ?, now(), now() + interval '30 days', now())")
                .params(key, new byte[] {1})
                .update();

        browser.logIn(email, PASSWORD);
        browser.click(By.linkText("Settings"));

        browser.waitForText(By.id("collateral"), key);
        assertThat(browser.find(By.id("collateral")).getText()).contains("https://pcs.example", "Current");
        jdbc.sql("DELETE FROM collateral_items WHERE key = ?").param(key).update();
    }

    @Test
    void nitroImageFromNitroCliOutputIsListed() {
        UUID app = Fixtures.createApp(api, "EDP-NITRO");
        browser.logIn(email, PASSWORD);
        browser.go("#/apps/" + app + "/images/new");
        browser.type(By.name("docker_info.docker_version"), "kmstool-1");
        browser.find(By.id("f-nitro-file")).sendKeys(
                vector("nitro-measurements/aws-nitro-enclaves-sdk-c-kmstool-build-enclave.json").toAbsolutePath().toString());
        String pcr0 = browser.valueOf(By.name("attributes.nitro_enclave.pcr0"));
        assertThat(pcr0).hasSize(96);
        assertThat(browser.valueOf(By.name("attributes.nitro_enclave.pcr2"))).hasSize(96);
        browser.screenshot("10-add-nitro-image");
        browser.click(By.id("image-save"));

        assertThat(browser.find(By.cssSelector("#images tr[data-version='kmstool-1']")).getText()).contains("AWS Nitro Enclaves");
    }

    @Test
    void enclaveOsImageIsListedWithItsConversion() {
        UUID app = Fixtures.createApp(api, "ENCLAVE_OS");
        browser.logIn(email, PASSWORD);
        browser.go("#/apps/" + app + "/images/new");
        browser.type(By.name("input_tag"), "v7");
        browser.type(By.name("output_tag"), "v7-nitro");
        assertThat(browser.find(By.id("output-credentials")).isDisplayed()).isTrue(); // nothing saved: entered here
        browser.type(By.name("request.output_image.auth_config.username"), "pusher");
        browser.type(By.name("request.output_image.auth_config.password"), "push-token");
        browser.select(By.name("mem_size"), "4096");
        browser.type(By.name("threads"), "4");
        assertThat(browser.find(By.name("enable_overlay_filesystem_persistence")).isSelected()).isTrue();
        browser.screenshot("11-add-enclave-os-image");
        browser.click(By.id("image-save"));

        browser.find(By.cssSelector("#images tr[data-version='v7']"));
        // The input registry of the fixture refuses at once: the row says why the conversion failed.
        browser.waitForText(By.cssSelector("#images tr[data-version='v7']"), "Conversion failed");
        browser.screenshot("11b-enclave-os-conversion");
        JsonNode image = api.get("/v1/builds?app_id=" + app).expect(200).body().path("items").get(0);
        assertThat(image.path("mem_size").asInt()).isEqualTo(4096);
        assertThat(image.path("threads").asInt()).isEqualTo(4);
        assertThat(image.path("enable_overlay_filesystem_persistence").asBoolean()).isTrue();
        assertThat(image.at("/docker_info/docker_version").asString()).isEqualTo("v7");
    }

    @Test
    void aciImageGetsItsPolicyAndDownloadableTemplate() throws Exception {
        String host = TestRegistry.host();
        String repo = host + "/openccm/ui-aci-" + UUID.randomUUID();
        TestImages.pushAciImage(repo + ":v1", false);
        UUID app = api.post("/v1/apps", Fixtures.app("ACI").put("name", "web-aci").put("input_image_name", repo)).expect(200).id("app_id");

        browser.logIn(email, PASSWORD);
        browser.click(By.linkText("Settings"));
        browser.type(By.name("url"), host);
        browser.type(By.name("credential.default.username"), TestRegistry.USER);
        browser.type(By.name("credential.default.password"), TestRegistry.PASSWORD);
        browser.click(By.cssSelector("#registry-form button[type=submit]"));
        browser.waitForText(By.id("registries"), host);
        browser.screenshot("09-settings");

        browser.go("#/apps/" + app + "/images/new");
        browser.type(By.name("docker_info.docker_version"), "v1");
        assertThat(browser.find(By.name("use_saved")).isSelected()).isTrue();
        assertThat(browser.driver.findElement(By.id("inline-credentials")).isDisplayed()).isFalse();
        assertThat(browser.find(By.name("aci_options.wait_for_agent")).isSelected()).isTrue();
        assertThat(browser.find(By.name("aci_options.cpu_count")).getDomProperty("value")).isEqualTo("1");
        assertThat(browser.find(By.name("aci_options.gb_mem")).getDomProperty("value")).isEqualTo("1");
        browser.screenshot("12-add-aci-image");
        browser.click(By.id("image-save"));

        WebElement row = browser.find(By.cssSelector("#images tr[data-version='v1']"));
        String buildId = row.getDomAttribute("data-build");
        browser.waitForText(By.cssSelector("#images tr[data-build='" + buildId + "'] .approval"), "Pending approval");
        browser.until(d -> d.findElements(By.cssSelector("#images tr[data-build='" + buildId + "'] .conversion[data-state=SUCCEEDED]")).isEmpty()
                ? null : Boolean.TRUE);

        browser.go("#/images/" + buildId + "/policy");
        String template = browser.find(By.id("arm-template")).getText();
        String policy = api.get("/v1/builds/" + buildId).expect(200).body().at("/attributes/default/aci/policy").asString();
        assertThat(template).containsPattern("\"ccePolicy\"\\s*:\\s*\"" + java.util.regex.Pattern.quote(policy) + "\"");
        assertThat(browser.find(By.id("host-data")).getText()).hasSize(64);
        assertThat(browser.find(By.id("download-template")).getText()).isEqualTo("DOWNLOAD");
        browser.screenshot("13-aci-policy");
    }

    @Test
    void snpImageWithACoprocessorIsListed() {
        UUID app = Fixtures.createApp(api, "AMD_SEV_SNP");
        browser.logIn(email, PASSWORD);
        browser.go("#/apps/" + app + "/images/new");
        browser.type(By.name("docker_info.docker_version"), "2026.1");
        browser.type(By.name("attributes.baremetal_amd_sev_snp.measurement"), Fixtures.hex(48, 9));
        browser.select(By.name("attributes.baremetal_amd_sev_snp.vmpl"), "vmpl2");
        browser.select(By.name("coprocessor"), "Required");
        browser.screenshot("14-add-snp-image");
        browser.click(By.id("image-save"));

        assertThat(browser.find(By.cssSelector("#images tr[data-version='2026.1']")).getText()).contains("AMD SEV-SNP");
        JsonNode snp = api.get("/v1/builds?app_id=" + app).expect(200).body().at("/items/0/attributes/default/baremetal_amd_sev_snp");
        assertThat(snp.path("vmpl").asString()).isEqualTo("vmpl2");
        assertThat(snp.at("/coprocessors/0/attestation").asString()).isEqualTo("Required");
    }

    @Test
    void azureCvmImageDropsThePastedHexPrefix() {
        UUID app = Fixtures.createApp(api, "AZURE_CVM");
        browser.logIn(email, PASSWORD);
        browser.go("#/apps/" + app + "/images/new");
        browser.type(By.name("docker_info.docker_version"), "vm-1");
        browser.type(By.name("attributes.azure_cvm.pcrs.pcr0"), "0x" + Fixtures.hex(32, 1));
        browser.type(By.name("attributes.azure_cvm.pcrs.pcr7"), Fixtures.hex(32, 2));
        assertThat(browser.find(By.name("attributes.azure_cvm.pcrs.pcr0")).getDomProperty("value")).isEqualTo(Fixtures.hex(32, 1));
        browser.screenshot("15-add-azure-cvm-image");
        browser.click(By.id("image-save"));

        assertThat(browser.find(By.cssSelector("#images tr[data-version='vm-1']")).getText()).contains("Azure CVM");
        assertThat(api.get("/v1/builds?app_id=" + app).expect(200).body().at("/items/0/attributes/default/azure_cvm/pcrs/pcr0").asString())
                .isEqualTo(Fixtures.hex(32, 1));
    }

    @Test
    void tdxImageIsListed() {
        UUID app = Fixtures.createApp(api, "TDX");
        browser.logIn(email, PASSWORD);
        browser.go("#/apps/" + app + "/images/new");
        browser.type(By.name("docker_info.docker_version"), "td-1");
        browser.type(By.name("attributes.baremetal_tdx.mrtd"), Fixtures.hex(48, 1));
        for (int i = 0; i < 4; i++) {
            browser.type(By.name("attributes.baremetal_tdx.rtmr" + i), Fixtures.hex(48, 2 + i));
        }
        browser.screenshot("16-add-tdx-image");
        browser.click(By.id("image-save"));

        assertThat(browser.find(By.cssSelector("#images tr[data-version='td-1']")).getText()).contains("Intel TDX");
    }

    @Test
    void anApiErrorAppearsNextToTheFieldItNames() {
        UUID app = Fixtures.createApp(api, "AMD_SEV_SNP");
        browser.logIn(email, PASSWORD);
        browser.go("#/apps/" + app + "/images/new");
        browser.type(By.name("docker_info.docker_version"), "bad-1");
        browser.type(By.name("attributes.baremetal_amd_sev_snp.measurement"), "abc123");
        browser.click(By.id("image-save"));

        By error = By.cssSelector(".field[data-field='attributes.baremetal_amd_sev_snp.measurement'] .field-error");
        browser.until(d -> d.findElement(error).getText().isEmpty() ? null : Boolean.TRUE);
        assertThat(browser.find(error).getText()).containsIgnoringCase("hex");
        assertThat(browser.find(By.cssSelector(".field[data-field='attributes.baremetal_amd_sev_snp.measurement']")).getDomAttribute("class"))
                .contains("invalid");
        browser.screenshot("17-validation-error");
        assertThat(api.get("/v1/builds?app_id=" + app).expect(200).body().path("items")).isEmpty();
    }
}
