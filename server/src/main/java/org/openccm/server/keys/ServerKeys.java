// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.keys;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.HexFormat;
import org.openccm.attestation.x509.Ecdsa;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The server's own signing keys (ECDSA P-256), one per purpose ({@code collateral-bundle}, {@code audit-checkpoint}):
 * made once, kept in the database with the private half sealed under the master key, so that every instance of a
 * deployment signs with the same key. Signatures are DER ECDSA over SHA-256.
 */
@Component
public class ServerKeys {
    private final JdbcClient jdbc;
    private final MasterKey masterKey;
    private final Clock clock;

    ServerKeys(JdbcClient jdbc, MasterKey masterKey, Clock clock) {
        this.jdbc = jdbc;
        this.masterKey = masterKey;
        this.clock = clock;
    }

    /** The key named so; made now when there is none yet (in its own transaction: a reader may be the first to ask). */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public KeyPair key(String name) {
        var stored = jdbc.sql("SELECT public_key, private_key_sealed FROM server_keys WHERE name = ?").param(name)
                .query((rs, n) -> new byte[][] {rs.getBytes(1), rs.getBytes(2)}).optional();
        try {
            KeyFactory ec = KeyFactory.getInstance("EC");
            if (stored.isPresent()) {
                return new KeyPair(ec.generatePublic(new X509EncodedKeySpec(stored.get()[0])),
                        ec.generatePrivate(new PKCS8EncodedKeySpec(masterKey.open(stored.get()[1], "server-key:" + name))));
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair made = g.generateKeyPair();
            jdbc.sql("INSERT INTO server_keys (name, public_key, private_key_sealed, created_at) VALUES (?,?,?,?) ON CONFLICT DO NOTHING")
                    .params(name, made.getPublic().getEncoded(), masterKey.seal(made.getPrivate().getEncoded(), "server-key:" + name),
                            Timestamp.from(clock.instant()))
                    .update();
            // Another instance may have made the key at the same moment: the stored one is the key.
            return key(name);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The symmetric secret named so, sealed in the database; made from {@code initial} when there is none yet (the
     * first instance to ask decides, every other reads it).
     */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public byte[] secret(String name, java.util.function.Supplier<byte[]> initial) {
        var stored = jdbc.sql("SELECT secret_sealed FROM server_secrets WHERE name = ?").param(name).query(byte[].class).optional();
        if (stored.isPresent()) {
            return masterKey.open(stored.get(), "server-secret:" + name);
        }
        jdbc.sql("INSERT INTO server_secrets (name, secret_sealed, created_at) VALUES (?,?,?) ON CONFLICT DO NOTHING")
                .params(name, masterKey.seal(initial.get(), "server-secret:" + name), Timestamp.from(clock.instant()))
                .update();
        return masterKey.open(jdbc.sql("SELECT secret_sealed FROM server_secrets WHERE name = ?").param(name).query(byte[].class).single(),
                "server-secret:" + name);
    }

    /** SHA256withECDSA, DER: session tokens and audit checkpoints (every request verifies a token). */
    public static byte[] sign(PrivateKey key, byte[] data) {
        try {
            return EcdsaSigning.sign(key, EcdsaSigning.Hash.SHA256, data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        try {
            return Ecdsa.verifyDer(key, Ecdsa.Hash.SHA256, data, signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The public key as PEM ({@code PUBLIC KEY}: its SubjectPublicKeyInfo), for answers and offline verifiers. */
    public static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    /** SHA-256 of the key's SubjectPublicKeyInfo, hex: how a key is named in answers and audit entries. */
    public static String fingerprint(PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
