// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.registry;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client of the OCI distribution API (v1.1): manifests (Docker v2 and OCI, image indexes resolved to
 * linux/amd64), blobs, monolithic blob upload and manifest push; HTTP Basic and Bearer-token auth as registries
 * announce in WWW-Authenticate. Plain HTTP is used only for the loopback hosts given as insecure.
 */
public final class OciRegistryClient {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    private static final String ACCEPT = String.join(", ", OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST);
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    // Redirects are followed here, hop by hop, so that each target is checked against the network rules.
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private static final int MAX_REDIRECTS = 5;
    private final JsonMapper json = JsonMapper.builder().build();
    private final List<String> insecureHosts;
    private final NetworkRules network;
    private static final int MAX_CACHED_LOGINS = 10_000;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    public OciRegistryClient(List<String> insecureHosts, NetworkRules network) {
        this.insecureHosts = List.copyOf(insecureHosts);
        this.network = network;
    }

    /** registry host, repository path, and tag or digest of an image reference. */
    public record Reference(String registry, String repository, String reference) {
        public static Reference parse(String image) {
            String registry = ImageNames.registryOf(image);
            String rest = ImageNames.explicitRegistry(image).isPresent() ? image.substring(image.indexOf('/') + 1) : image;
            String ref = "latest";
            int at = rest.indexOf('@');
            if (at >= 0) {
                ref = rest.substring(at + 1);
                rest = rest.substring(0, at);
            } else {
                int colon = rest.lastIndexOf(':');
                if (colon > rest.lastIndexOf('/')) {
                    ref = rest.substring(colon + 1);
                    rest = rest.substring(0, colon);
                }
            }
            if (registry.equals(ImageNames.DOCKER_HUB) && !rest.contains("/")) {
                rest = "library/" + rest;
            }
            return new Reference(registry, rest, ref);
        }

        public Reference withReference(String tagOrDigest) {
            return new Reference(registry, repository, tagOrDigest);
        }
    }

    /** A manifest as served: its media type, exact bytes and digest. */
    public record Manifest(String mediaType, byte[] bytes, String digest, JsonNode json) {}

    /** Registry errors, with the status and the registry's message, for job failure reasons. */
    public static final class RegistryException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        public RegistryException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** The image manifest for linux/amd64, following an index if the tag names one. */
    public Manifest manifest(Reference ref, RegistryService.Credential credential) throws RegistryException {
        Manifest m = rawManifest(ref, credential);
        if (m.mediaType().equals(OCI_INDEX) || m.mediaType().equals(DOCKER_LIST)) {
            for (JsonNode d : m.json().path("manifests")) {
                JsonNode platform = d.path("platform");
                if (platform.path("os").asString("").equals("linux") && platform.path("architecture").asString("").equals("amd64")) {
                    return rawManifest(ref.withReference(d.path("digest").asString()), credential);
                }
            }
            throw new RegistryException(404, ref.repository() + ":" + ref.reference() + " has no linux/amd64 image");
        }
        return m;
    }

    public Manifest rawManifest(Reference ref, RegistryService.Credential credential) throws RegistryException {
        HttpResponse<byte[]> r = send(ref, credential, "pull", b -> b.uri(url(ref, "/manifests/" + ref.reference())).header("Accept", ACCEPT).GET());
        require(r, 200, "manifest " + ref.repository() + ":" + ref.reference());
        String type = r.headers().firstValue("Content-Type").orElse(OCI_MANIFEST).split(";")[0].trim();
        JsonNode node;
        try {
            node = OciManifests.parse(r.body());
        } catch (IllegalArgumentException e) {
            throw new RegistryException(502, ref.registry() + " served an unusable manifest for " + ref.repository() + ":" + ref.reference()
                    + ": " + e.getMessage());
        }
        if (node.has("mediaType")) {
            type = node.path("mediaType").asString();
        }
        return new Manifest(type, r.body(), digest(r.body()), node);
    }

    public byte[] blob(Reference ref, String digest, RegistryService.Credential credential) throws RegistryException {
        HttpResponse<byte[]> r = send(ref, credential, "pull", b -> b.uri(url(ref, "/blobs/" + digest)).GET());
        require(r, 200, "blob " + digest);
        if (!digest(r.body()).equals(digest)) {
            throw new RegistryException(502, "blob " + digest + " does not hash to its digest");
        }
        return r.body();
    }

    /**
     * Downloads a blob into a file without holding it in memory, and checks it hashes to its digest (a layer can be
     * gigabytes).
     */
    public void downloadBlob(Reference ref, String digest, RegistryService.Credential credential, java.nio.file.Path file)
            throws RegistryException {
        HttpResponse<java.nio.file.Path> r = send(ref, credential, "pull", b -> b.uri(url(ref, "/blobs/" + digest)).GET(),
                HttpResponse.BodyHandlers.ofFile(file, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING));
        if (r.statusCode() != 200) {
            throw new RegistryException(r.statusCode(), "blob " + digest + ": registry answered " + r.statusCode());
        }
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
            }
            if (!("sha256:" + HexFormat.of().formatHex(sha.digest())).equals(digest)) {
                throw new RegistryException(502, "blob " + digest + " does not hash to its digest");
            }
        } catch (IOException e) {
            throw new RegistryException(500, "cannot read the downloaded blob " + digest + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Uploads a blob (monolithic POST then PUT) unless the registry has it already; returns its digest. */
    public String pushBlob(Reference ref, byte[] data, RegistryService.Credential credential) throws RegistryException {
        return pushBlob(ref, digest(data), () -> HttpRequest.BodyPublishers.ofByteArray(data), credential);
    }

    /** The same from a file, streamed from disk (an EIF can be gigabytes); returns its digest. */
    public String pushBlob(Reference ref, java.nio.file.Path file, RegistryService.Credential credential) throws RegistryException {
        String digest;
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            in.transferTo(new java.security.DigestOutputStream(java.io.OutputStream.nullOutputStream(), sha));
            digest = "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new RegistryException(500, "cannot read " + file + " to upload it: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return pushBlob(ref, digest, () -> {
            try {
                return HttpRequest.BodyPublishers.ofFile(file);
            } catch (java.io.FileNotFoundException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, credential);
    }

    private String pushBlob(Reference ref, String digest, java.util.function.Supplier<HttpRequest.BodyPublisher> body,
            RegistryService.Credential credential) throws RegistryException {
        HttpResponse<byte[]> head = send(ref, credential, "pull,push", b -> b.uri(url(ref, "/blobs/" + digest)).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        if (head.statusCode() == 200) {
            return digest;
        }
        HttpResponse<byte[]> start = send(ref, credential, "pull,push", b -> b.uri(url(ref, "/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()));
        require(start, 202, "blob upload");
        String location = start.headers().firstValue("Location").orElseThrow(() -> new IllegalStateException("no upload location"));
        URI upload = url(ref, "/").resolve(location);
        String sep = upload.getQuery() == null ? "?" : "&";
        URI put = URI.create(upload + sep + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8));
        HttpResponse<byte[]> done = send(ref, credential, "pull,push", b -> b.uri(put)
                .header("Content-Type", "application/octet-stream")
                .PUT(body.get()));
        require(done, 201, "blob upload");
        return digest;
    }

    public String pushManifest(Reference ref, String mediaType, byte[] manifest, RegistryService.Credential credential)
            throws RegistryException {
        HttpResponse<byte[]> r = send(ref, credential, "pull,push", b -> b.uri(url(ref, "/manifests/" + ref.reference()))
                .header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)));
        require(r, 201, "manifest push");
        return digest(manifest);
    }

    public static String digest(byte[] data) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface RequestShape {
        HttpRequest.Builder apply(HttpRequest.Builder b);
    }

    private HttpResponse<byte[]> send(Reference ref, RegistryService.Credential credential, String actions, RequestShape shape)
            throws RegistryException {
        return send(ref, credential, actions, shape, HttpResponse.BodyHandlers.ofByteArray());
    }

    private <T> HttpResponse<T> send(
            Reference ref, RegistryService.Credential credential, String actions, RequestShape shape, HttpResponse.BodyHandler<T> body)
            throws RegistryException {
        // Keyed by a digest of the whole credential, never the user name alone: another account that names the same
        // repository and user (on ECR the user is always AWS) must not ride on a login it did not make.
        String scopeKey = ref.registry() + "|" + ref.repository() + "|" + actions + "|" + credentialDigest(credential);
        HttpResponse<T> r = exchange(shape.apply(HttpRequest.newBuilder()), tokens.get(scopeKey), body);
        if (r.statusCode() != 401) {
            return r;
        }
        String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
        String authorization;
        if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
            if (credential == null) {
                throw new RegistryException(401, ref.registry() + " requires credentials");
            }
            authorization = "Basic " + basic(credential);
        } else if (challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
            authorization = "Bearer " + token(challenge, ref, actions, credential);
        } else {
            throw new RegistryException(401, ref.registry() + " asks for an unsupported authentication: " + challenge);
        }
        if (tokens.size() > MAX_CACHED_LOGINS) {
            tokens.clear(); // a bound, not an eviction policy: a login is cheap to make again
        }
        tokens.put(scopeKey, authorization);
        r = exchange(shape.apply(HttpRequest.newBuilder()), authorization, body);
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new RegistryException(r.statusCode(), ref.registry() + " refused the credentials for " + ref.repository());
        }
        return r;
    }

    private String token(String challenge, Reference ref, String actions, RegistryService.Credential credential)
            throws RegistryException {
        Map<String, String> params = new java.util.HashMap<>();
        Matcher m = CHALLENGE_PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1), m.group(2));
        }
        String realm = Optional.ofNullable(params.get("realm")).orElseThrow(() -> new RegistryException(401, "Bearer challenge without realm"));
        String scope = params.getOrDefault("scope", "repository:" + ref.repository() + ":" + actions);
        URI uri = URI.create(realm + "?service=" + URLEncoder.encode(params.getOrDefault("service", ""), StandardCharsets.UTF_8)
                + "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8));
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
        if (credential != null) {
            b.header("Authorization", "Basic " + basic(credential));
        }
        HttpResponse<byte[]> r = exchange(b, null);
        if (r.statusCode() != 200) {
            throw new RegistryException(r.statusCode(), "the token service " + realm + " refused: " + new String(r.body(), StandardCharsets.UTF_8));
        }
        JsonNode token = json.readTree(r.body());
        String value = token.has("token") ? token.path("token").asString() : token.path("access_token").asString();
        if (value.isEmpty()) {
            throw new RegistryException(502, "the token service " + realm + " returned no token");
        }
        return value;
    }

    private HttpResponse<byte[]> exchange(HttpRequest.Builder b, String authorization) throws RegistryException {
        return exchange(b, authorization, HttpResponse.BodyHandlers.ofByteArray());
    }

    private <T> HttpResponse<T> exchange(HttpRequest.Builder b, String authorization, HttpResponse.BodyHandler<T> body)
            throws RegistryException {
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        b.timeout(Duration.ofMinutes(5));
        HttpRequest request = b.build();
        try {
            for (int hop = 0; ; hop++) {
                checkTarget(request.uri());
                HttpResponse<T> response = http.send(request, body);
                int status = response.statusCode();
                boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
                Optional<String> location = response.headers().firstValue("Location");
                if (!redirect || location.isEmpty() || !(request.method().equals("GET") || request.method().equals("HEAD"))) {
                    return response;
                }
                if (hop >= MAX_REDIRECTS) {
                    throw new RegistryException(502, "registry " + request.uri().getAuthority() + " redirects more than " + MAX_REDIRECTS + " times");
                }
                URI next = request.uri().resolve(location.get());
                HttpRequest.Builder follow = HttpRequest.newBuilder(next).timeout(Duration.ofMinutes(5)).method(request.method(),
                        HttpRequest.BodyPublishers.noBody());
                // A login is for the registry: never handed to the storage a blob redirect points at.
                if (authorization != null && next.getAuthority() != null && next.getAuthority().equalsIgnoreCase(request.uri().getAuthority())) {
                    follow.header("Authorization", authorization);
                }
                request.headers().firstValue("Accept").ifPresent(a -> follow.header("Accept", a));
                request = follow.build();
            }
        } catch (IOException e) {
            String why = e instanceof java.net.ConnectException ? "connection refused"
                    : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            throw new RegistryException(503, "registry " + request.uri().getAuthority() + " unreachable: " + why);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(502, "registry " + request.uri().getAuthority() + " redirects to an unusable location");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(503, "interrupted");
        }
    }

    /** Refuses, before connecting, a target the network rules do not allow (checked again at every redirect). */
    private void checkTarget(URI uri) throws RegistryException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new RegistryException(502, "refused to contact " + uri.getScheme() + ": only http(s) registries are contacted");
        }
        String host = uri.getHost();
        if (host == null) {
            throw new RegistryException(502, "refused to contact a location without a host");
        }
        String why = network.refusal(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        if (why != null) {
            throw new RegistryException(403, "refused to contact " + uri.getAuthority() + ": " + why);
        }
    }

    private URI url(Reference ref, String path) {
        String host = ref.registry().equals(ImageNames.DOCKER_HUB) ? "registry-1.docker.io" : ref.registry();
        String hostOnly = host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
        String scheme = insecureHosts.contains(hostOnly) ? "http" : "https";
        return URI.create(scheme + "://" + host + "/v2/" + ref.repository() + path);
    }

    private static void require(HttpResponse<byte[]> r, int expected, String what) throws RegistryException {
        if (r.statusCode() != expected) {
            String body = new String(r.body(), StandardCharsets.UTF_8);
            throw new RegistryException(r.statusCode(), what + ": registry answered " + r.statusCode()
                    + (body.isBlank() ? "" : " " + body.substring(0, Math.min(body.length(), 300))));
        }
    }

    private static String credentialDigest(RegistryService.Credential c) {
        if (c == null) {
            return "anonymous";
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(c.username().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update((c.password() == null ? "" : c.password()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String basic(RegistryService.Credential c) {
        return Base64.getEncoder().encodeToString((c.username() + ":" + (c.password() == null ? "" : c.password())).getBytes(StandardCharsets.UTF_8));
    }
}
