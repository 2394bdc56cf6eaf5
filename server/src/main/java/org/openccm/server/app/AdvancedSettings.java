// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * CCM's AdvancedSettings of apps and images. Some of its field names are camelCase on the wire in CCM's API
 * (encryptedDirs, allowCmdlineArgs, manifestEnv, mutableEnv, keyType, ...); they are kept as CCM spells them.
 */
public record AdvancedSettings(
        List<String> entrypoint,
        @JsonProperty("encryptedDirs") List<String> encryptedDirs,
        CertificateConfig certificate,
        JavaRuntime javaRuntime,
        List<String> rwDirs,
        @JsonProperty("allowCmdlineArgs") Boolean allowCmdlineArgs,
        @JsonProperty("manifestEnv") List<String> manifestEnv,
        @JsonProperty("mutableEnv") List<String> mutableEnv) {

    /** Enclave OS encrypts these with the enclave sealing key unless told otherwise (CCM's documented default). */
    public static final List<String> DEFAULT_ENCRYPTED_DIRS =
            List.of("/tmp", "/run", "/ftx-efs", "/opt/fortanix/enclave-os/app-config/rw");
    /** Left unprotected by default so the host can manage name resolution (CCM's documented default). */
    public static final List<String> DEFAULT_RW_DIRS = List.of("/etc/hosts", "/etc/resolv.conf", "/etc/hostname");

    public enum CertificateIssuer {
        MANAGER_CA,
        NODE,
        SELF_IAS,
    }

    public enum KeyType {
        RSA,
    }

    public enum JavaRuntime {
        @JsonProperty("JAVA-ORACLE")
        JAVA_ORACLE,
        OPENJDK,
        OPENJ9,
        @JsonProperty("LIBERTY-JRE")
        LIBERTY_JRE,
    }

    public record CertificateConfig(
            CertificateIssuer issuer,
            String subject,
            @JsonProperty("keyType") KeyType keyType,
            @JsonProperty("keyParam") Map<String, Object> keyParam,
            @JsonProperty("keyPath") String keyPath,
            @JsonProperty("certPath") String certPath) {

        CertificateConfig withDefaults() {
            return new CertificateConfig(
                    issuer == null ? CertificateIssuer.MANAGER_CA : issuer,
                    subject,
                    keyType == null ? KeyType.RSA : keyType,
                    keyParam,
                    keyPath,
                    certPath);
        }
    }

    public static AdvancedSettings defaults() {
        return new AdvancedSettings(null, null, null, null, null, null, null, null).withDefaults();
    }

    /** Fills what CCM documents as defaults: encrypted and read-write directories, issuer MANAGER_CA, key type RSA. */
    public AdvancedSettings withDefaults() {
        return new AdvancedSettings(
                entrypoint,
                encryptedDirs == null ? DEFAULT_ENCRYPTED_DIRS : encryptedDirs,
                (certificate == null ? new CertificateConfig(null, null, null, null, null, null) : certificate)
                        .withDefaults(),
                javaRuntime,
                rwDirs == null ? DEFAULT_RW_DIRS : rwDirs,
                allowCmdlineArgs,
                manifestEnv,
                mutableEnv);
    }
}
