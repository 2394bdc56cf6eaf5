// SPDX-License-Identifier: Apache-2.0
package org.openccm.bench.load;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.openccm.cli.simulation.SimulatedPsp;
import org.openccm.cli.simulation.SimulationAuthority;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The load benchmark's second process (bench/load.sh starts the server and then this): logs in as the first admin,
 * sets up what each endpoint needs, then drives {@code POST /v1/attestation/explain} (a real SEV-SNP sample, Milan,
 * at the clock testdata/SOURCES.md gives it), {@code POST /v1/attestation} (simulated SEV-SNP evidence, each request
 * bound to a fresh challenge and key, so a certificate is issued every time) and {@code POST /v1/builds} (a new
 * SEV-SNP image each time) at fixed rates and closed loop, and prints a Markdown table.
 *
 * <pre>
 * LoadDriver init-simulation DIR      make simulation roots (the server is started trusting DIR/simulation-roots.pem)
 * LoadDriver run --server URL --email E --password P --simulation DIR --testdata DIR --out FILE
 *                [--rates 50,100,200] [--seconds 20] [--warmup-seconds 10] [--clients 16] [--closed-seconds 15]
 *                [--only explain,attestation,builds] [--note TEXT]
 * </pre>
 */
public final class LoadDriver {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HexFormat HEX = HexFormat.of();
    /** The real sample explained: Milan, ACI's UVM; every certificate and AMD's Milan CRL are current at this instant. */
    private static final String SNP_SAMPLE = "sev-snp/msft-tav-milan-aci-report.bin";
    private static final String SNP_SAMPLE_VCEK = "sev-snp/msft-tav-milan-vcek.pem";
    private static final Instant SNP_SAMPLE_CLOCK = Instant.parse("2026-03-01T00:00:00Z");
    private static final String SNP_SAMPLE_MEASUREMENT =
            "5feee30d6d7e1a29f403d70a4198237ddfb13051a2d6976439487c609388ed7f98189887920ab2fa0096903a0c23fca1";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(120);
    /** Threads preparing attestation requests: a challenge each is a round trip, so a few overlap. */
    private static final int PREPARERS = 4;
    private static final int WARMUP_CLIENTS = 4;

    private final URI server;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final SecureRandom random = new SecureRandom();
    private String token;

    private LoadDriver(URI server) {
        this.server = server;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("init-simulation")) {
            Files.createDirectories(Path.of(args[1]));
            SimulationAuthority.create(Path.of(args[1]));
            return;
        }
        if (args.length == 0 || !args[0].equals("run")) {
            System.err.println("usage: LoadDriver init-simulation DIR | LoadDriver run --server URL --email E --password P"
                    + " --simulation DIR --testdata DIR --out FILE [--rates 50,100,200] [--seconds 20] [--warmup-seconds 10]"
                    + " [--clients 16] [--closed-seconds 15] [--only explain,attestation,builds] [--note TEXT]");
            System.exit(2);
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        new LoadDriver(URI.create(required(options, "server"))).run(options);
    }

    private void run(Map<String, String> options) throws Exception {
        List<Integer> rates = List.of(options.getOrDefault("rates", "50,100,200").split(",")).stream().map(Integer::parseInt).toList();
        Duration perRate = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "20")));
        Duration warmup = Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup-seconds", "10")));
        Duration closed = Duration.ofSeconds(Long.parseLong(options.getOrDefault("closed-seconds", "15")));
        int clients = Integer.parseInt(options.getOrDefault("clients", "16"));
        List<String> endpoints = List.of(options.getOrDefault("only", "explain,attestation,builds").split(","));
        Path testdata = Path.of(required(options, "testdata"));

        logIn(required(options, "email"), required(options, "password"));
        LoadRun load = new LoadRun(http);
        List<LoadRun.Result> results = new ArrayList<>();
        // Explain first, then attestation, then builds: the thousands of images the builds run registers would
        // otherwise sit in the account while the attestation endpoints are measured.
        for (String endpoint : endpoints) {
            Endpoint e = switch (endpoint) {
                case "explain" -> explain(testdata);
                case "attestation" -> attestation(Path.of(required(options, "simulation")));
                case "builds" -> builds();
                default -> throw new IllegalArgumentException("unknown endpoint " + endpoint);
            };
            // Warm-up in closed loop: it keeps the JIT busy without piling up a backlog that a cold server would
            // still be working off when the first measured run starts.
            progress(e.name() + ": warm-up, " + WARMUP_CLIENTS + " clients for " + warmup.toSeconds() + " s");
            load.closedLoop(e.name(), e.requests(100 * (int) warmup.toSeconds()), WARMUP_CLIENTS, warmup);
            settle();
            for (int rate : rates) {
                IntFunction<HttpRequest> requests = e.requests(rate * (int) perRate.toSeconds());
                progress(e.name() + ": " + rate + "/s for " + perRate.toSeconds() + " s");
                results.add(report(load.openLoop(e.name(), requests, rate, perRate)));
                settle();
            }
            // Closed loop: requests for twice the best rate answered so far (at least 100/s); a source that runs out
            // ends the run early, and the rate is still what was answered in the time it ran.
            double best = results.stream().filter(r -> r.endpoint().equals(e.name()))
                    .mapToDouble(LoadRun.Result::achievedPerSecond).max().orElse(100);
            IntFunction<HttpRequest> requests = e.requests((int) Math.max(100, 2 * best) * (int) closed.toSeconds());
            progress(e.name() + ": closed loop, " + clients + " clients for " + closed.toSeconds() + " s");
            results.add(report(load.closedLoop(e.name(), requests, clients, closed)));
            settle();
        }
        String table = table(results, options.get("note"));
        System.out.println();
        System.out.println(table);
        Path out = Path.of(required(options, "out"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, table);
        progress("written to " + out);
    }

    /** An endpoint under load: its name and, for a run of up to {@code n} requests, the request for each index. */
    private record Endpoint(String name, RequestSource source) {
        IntFunction<HttpRequest> requests(int n) throws Exception {
            return source.prepare(n);
        }
    }

    @FunctionalInterface
    private interface RequestSource {
        IntFunction<HttpRequest> prepare(int n) throws Exception;
    }

    /** The real Milan report, explained at its clock against an approved image of its measurement. */
    private Endpoint explain(Path testdata) throws IOException {
        String app = app("load-explain", "explain.load.example.com");
        ObjectNode image = JSON.createObjectNode().put("app_id", app);
        ObjectNode snp = image.putObject("attributes").putObject("baremetal_amd_sev_snp");
        snp.put("measurement", SNP_SAMPLE_MEASUREMENT).put("vmpl", "vmpl0");
        snp.putArray("coprocessors");
        approve(post("/v1/builds", image).path("pending_task_id").asString());
        ObjectNode body = JSON.createObjectNode()
                .put("platform", "SEV_SNP")
                .put("evidence", Base64.getEncoder().encodeToString(Files.readAllBytes(testdata.resolve(SNP_SAMPLE))))
                .put("vcek", Base64.getEncoder().encodeToString(Files.readAllBytes(testdata.resolve(SNP_SAMPLE_VCEK))))
                .put("verification_time", SNP_SAMPLE_CLOCK.getEpochSecond());
        JsonNode first = post("/v1/attestation/explain", body);
        if (!first.at("/decision/outcome").asString().equals("ACCEPTED")) {
            throw new IllegalStateException("the SEV-SNP sample is not accepted by explain: " + first);
        }
        progress("explain: the Milan sample verifies and matches its approved image; collateral warnings: "
                + (first.has("collateral_warnings") ? first.path("collateral_warnings") : "none"));
        HttpRequest request = request("/v1/attestation/explain", JSON.writeValueAsBytes(body));
        return new Endpoint("POST /v1/attestation/explain (real SEV-SNP sample)", n -> i -> request);
    }

    /**
     * Simulated SEV-SNP guests of an approved image: for each request, a challenge fetched beforehand, a new P-256
     * key and CSR, and a report binding SHA-256(key ‖ nonce), signed by the simulated chip's VCEK. All of it is
     * prepared before the run so that the driver spends no CPU the server would need while measuring.
     */
    private Endpoint attestation(Path simulationDir) throws IOException {
        String measurement = HEX.formatHex(randomBytes(48));
        String app = app("load-attestation", "attest.load.example.com");
        ObjectNode image = JSON.createObjectNode().put("app_id", app);
        ObjectNode snp = image.putObject("attributes").putObject("baremetal_amd_sev_snp");
        snp.put("measurement", measurement).put("vmpl", "vmpl0");
        snp.putArray("coprocessors");
        approve(post("/v1/builds", image).path("pending_task_id").asString());
        SimulatedPsp psp = new SimulatedPsp(SimulationAuthority.load(simulationDir), measurement, null, 0);
        String vcek;
        try {
            vcek = Base64.getEncoder().encodeToString(psp.vcek().getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        // Preparing happens between runs, when the server may still be working off a run it could not keep up with.
        HttpRequest challenge = setup(request("/v1/attestation/challenge", new byte[0]));
        RequestSource source = n -> {
            progress("attestation: preparing " + n + " challenges and reports");
            byte[][] bodies = new byte[n][];
            try (ExecutorService workers = Executors.newFixedThreadPool(PREPARERS)) {
                List<Future<?>> done = new ArrayList<>();
                for (int w = 0; w < PREPARERS; w++) {
                    int first = w;
                    done.add(workers.submit(() -> {
                        for (int i = first; i < n; i += PREPARERS) {
                            byte[] nonce = Base64.getDecoder().decode(send(challenge).path("nonce").asString());
                            KeyPair key = p256();
                            byte[] reportData = new byte[64];
                            System.arraycopy(sha256(key.getPublic().getEncoded(), nonce), 0, reportData, 0, 32);
                            ObjectNode body = JSON.createObjectNode()
                                    .put("platform", "SEV_SNP")
                                    .put("evidence", Base64.getEncoder().encodeToString(psp.report(reportData)))
                                    .put("vcek", vcek)
                                    .put("csr", csr(key))
                                    .put("nonce", Base64.getEncoder().encodeToString(nonce));
                            bodies[i] = JSON.writeValueAsBytes(body);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            }
            return i -> i < n ? request("/v1/attestation", bodies[i]) : null;
        };
        // One attestation before measuring, so that a setup mistake stops the benchmark instead of filling it with errors.
        HttpRequest probe;
        try {
            probe = setup(source.prepare(1).apply(0));
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        HttpResponse<String> answer = sendRaw(probe);
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("a simulated SEV-SNP attestation was refused: " + answer.statusCode() + " " + answer.body());
        }
        return new Endpoint("POST /v1/attestation (simulated SEV-SNP)", source);
    }

    /** A new SEV-SNP image of one app per request (a random measurement), each with its approval task. */
    private Endpoint builds() throws IOException {
        String app = app("load-builds", "builds.load.example.com");
        return new Endpoint("POST /v1/builds (SEV-SNP image)", n -> i -> {
            ObjectNode image = JSON.createObjectNode().put("app_id", app);
            ObjectNode snp = image.putObject("attributes").putObject("baremetal_amd_sev_snp");
            snp.put("measurement", HEX.formatHex(randomBytes(48))).put("vmpl", "vmpl0");
            snp.putArray("coprocessors");
            return request("/v1/builds", JSON.writeValueAsBytes(image));
        });
    }

    /**
     * Waits until the server is idle again (at most a minute): requests the driver gave up on may still be queued in
     * it, and the next run should not pay for them. Idle: three authenticated reads in a row, each through the
     * database pool, answered within 50 ms.
     */
    private void settle() throws InterruptedException {
        HttpRequest probe = HttpRequest.newBuilder(server.resolve("/v1/user"))
                .header("Authorization", "Bearer " + token)
                .timeout(SETUP_TIMEOUT)
                .build();
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        int quick = 0;
        Thread.sleep(Duration.ofSeconds(1));
        while (quick < 3 && System.nanoTime() < deadline) {
            long sent = System.nanoTime();
            try {
                http.send(probe, HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                quick = 0;
                continue;
            }
            quick = System.nanoTime() - sent < Duration.ofMillis(50).toNanos() ? quick + 1 : 0;
            Thread.sleep(Duration.ofMillis(200));
        }
    }

    private static LoadRun.Result report(LoadRun.Result r) {
        progress(String.format(Locale.ROOT, "  p50 %.1f ms, p99 %.1f ms, %d errors, %.1f/s%s", r.percentileMillis(50), r.percentileMillis(99),
                r.errors(), r.achievedPerSecond(), r.firstError() == null ? "" : " (first error: " + r.firstError() + ")"));
        return r;
    }

    private static String table(List<LoadRun.Result> results, String note) {
        StringBuilder t = new StringBuilder();
        t.append("Load benchmark, ").append(LocalDate.now(ZoneOffset.UTC)).append(" (").append(Runtime.getRuntime().availableProcessors())
                .append(" cores").append(note == null || note.isBlank() ? "" : "; " + note).append(")\n\n");
        t.append("| endpoint | load | p50 (ms) | p99 (ms) | errors | achieved (req/s) |\n");
        t.append("|---|---|---:|---:|---:|---:|\n");
        for (LoadRun.Result r : results) {
            t.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %d | %.1f |%n", r.endpoint(), r.load(), r.percentileMillis(50),
                    r.percentileMillis(99), r.errors(), r.achievedPerSecond()));
        }
        List<String> errors = results.stream().filter(r -> r.firstError() != null)
                .map(r -> "- " + r.endpoint() + ", " + r.load() + ": " + r.firstError().replace('\n', ' ')).toList();
        if (!errors.isEmpty()) {
            t.append("\nFirst error of each run that had one:\n\n");
            errors.forEach(e -> t.append(e).append('\n'));
        }
        return t.toString();
    }

    // --- setup through the API ---

    private void logIn(String email, String password) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(server.resolve("/v1/sys/auth"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((email + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.noBody())
                .timeout(SETUP_TIMEOUT)
                .build();
        HttpResponse<String> answer = sendRaw(request);
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("log-in refused: " + answer.statusCode() + " " + answer.body());
        }
        token = JSON.readTree(answer.body()).path("access_token").asString();
    }

    /** An SEV-SNP app whose one domain name is approved; its id. */
    private String app(String name, String domain) throws IOException {
        ObjectNode app = JSON.createObjectNode().put("name", name + "-" + HEX.formatHex(randomBytes(4))).put("type", "AMD_SEV_SNP");
        app.putArray("allowed_domains").add(domain);
        JsonNode created = post("/v1/apps", app);
        approve(created.path("pending_task_id").asString());
        return created.path("app_id").asString();
    }

    private void approve(String task) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(server.resolve("/v1/tasks/" + task))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"status\": \"APPROVED\"}"))
                .timeout(SETUP_TIMEOUT)
                .build();
        send(request);
    }

    private JsonNode post(String path, ObjectNode body) throws IOException {
        return send(setup(request(path, JSON.writeValueAsBytes(body))));
    }

    /** A request of the setup, not measured: it may wait for a server still busy with the run before. */
    private static HttpRequest setup(HttpRequest request) {
        return HttpRequest.newBuilder(request, (name, value) -> true).timeout(SETUP_TIMEOUT).build();
    }

    private HttpRequest request(String path, byte[] json) {
        return HttpRequest.newBuilder(server.resolve(path))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                .build();
    }

    private JsonNode send(HttpRequest request) throws IOException {
        HttpResponse<String> answer = sendRaw(request);
        if (answer.statusCode() / 100 != 2) {
            throw new IllegalStateException(request.method() + " " + request.uri().getPath() + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return JSON.readTree(answer.body());
    }

    private HttpResponse<String> sendRaw(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    // --- the workload's side of an attestation ---

    private static KeyPair p256() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256(DER SubjectPublicKeyInfo ‖ nonce): what the evidence must carry (the server's binding rule). */
    private static byte[] sha256(byte[] spki, byte[] nonce) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(spki);
            return sha.digest(nonce);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String csr(KeyPair key) {
        try {
            var subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, "load-node").build();
            var request = new JcaPKCS10CertificationRequestBuilder(subject, key.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()));
            StringWriter out = new StringWriter();
            try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
                pem.writeObject(request);
            }
            return out.toString();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private static void progress(String line) {
        System.err.println("[" + Instant.now().toString().substring(11, 19) + "] " + line);
    }
}
