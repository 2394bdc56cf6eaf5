// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.pki;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.openccm.server.account.AccountCreated;
import org.openccm.server.keys.EcdsaSigning;
import org.openccm.server.keys.MasterKey;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * One certificate authority per account: an ECDSA P-384 key made when the account is created, kept sealed under
 * the master key, a self-signed CA certificate, and the signing of workload certificates and CRLs.
 */
@Service
public class CertificateAuthority {
    /**
     * OpenCCM's extension naming the approved image and platform a certificate was issued for. A UUID-derived OID
     * (ITU-T X.667, arc 2.25) so no registered enterprise number is borrowed.
     */
    public static final String IMAGE_EXTENSION_OID = "2.25.219071498735624593816591829377846823227";

    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private final JdbcClient jdbc;
    private final MasterKey masterKey;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    CertificateAuthority(JdbcClient jdbc, MasterKey masterKey, Clock clock) {
        this.jdbc = jdbc;
        this.masterKey = masterKey;
        this.clock = clock;
    }

    record Ca(X509Certificate certificate, PrivateKey key) {}

    @EventListener
    void on(AccountCreated created) {
        create(created.accountId(), created.name());
    }

    /** The current CA certificate; its key stays sealed (an attestation reads this beside issuing). */
    public X509Certificate certificate(UUID accountId) {
        return jdbc.sql("SELECT certificate_pem FROM account_cas WHERE account_id = ?")
                .param(accountId)
                .query(String.class)
                .optional()
                .map(CertificateAuthority::parse)
                .orElseGet(() -> ca(accountId).certificate());
    }

    /** The fields of a workload certificate; the public key comes from the workload's verified CSR. */
    public record Issue(
            PublicKey publicKey, String commonName, List<String> dnsNames, Duration validity, String imageDescription) {}

    public X509Certificate issue(UUID accountId, Issue request) {
        Ca ca = ca(accountId);
        Instant now = clock.instant();
        Instant notAfter = now.plus(request.validity());
        if (notAfter.isAfter(ca.certificate().getNotAfter().toInstant())) {
            notAfter = ca.certificate().getNotAfter().toInstant();
        }
        try {
            X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    issuer,
                    serial(),
                    Date.from(now.minusSeconds(60)),
                    Date.from(notAfter),
                    new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, request.commonName()).build(),
                    request.publicKey());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(
                    Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(
                    Extension.extendedKeyUsage,
                    false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            if (!request.dnsNames().isEmpty()) {
                b.addExtension(
                        Extension.subjectAlternativeName,
                        false,
                        new GeneralNames(request.dnsNames().stream()
                                .map(n -> new GeneralName(GeneralName.dNSName, n))
                                .toArray(GeneralName[]::new)));
            }
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.certificate()));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(request.publicKey()));
            b.addExtension(
                    new ASN1ObjectIdentifier(IMAGE_EXTENSION_OID), false, new DERUTF8String(request.imageDescription()));
            return sign(b, ca.key());
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot issue a certificate", e);
        }
    }

    public record Revoked(BigInteger serial, Instant at) {}

    private X509CRL crl(Ca ca, List<Revoked> revoked) {
        Instant now = clock.instant();
        try {
            X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
            X509v2CRLBuilder b = new X509v2CRLBuilder(issuer, Date.from(now));
            b.setNextUpdate(Date.from(now.plus(Duration.ofDays(7))));
            for (Revoked r : revoked) {
                b.addCRLEntry(r.serial(), Date.from(r.at()), CRLReason.unspecified);
            }
            b.addExtension(
                    Extension.authorityKeyIdentifier,
                    false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.certificate()));
            ContentSigner signer = EcdsaSigning.contentSigner(ca.key());
            return new JcaX509CRLConverter().getCRL(b.build(signer));
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot sign the CRL", e);
        }
    }

    /** RFC 5280's upper bound for a commonName is 64 characters: a long account name is cut (the OU names the account). */
    static String commonName(String text) {
        return text.length() <= 64 ? text : text.substring(0, 61) + "...";
    }

    @Transactional
    void create(UUID accountId, String accountName) {
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "OpenCCM")
                .addRDN(BCStyle.OU, "account " + accountId)
                .addRDN(BCStyle.CN, commonName("OpenCCM account CA: " + accountName))
                .build();
        Generated ca = generate(name);
        jdbc.sql("INSERT INTO account_cas (account_id, certificate_pem, private_key_enc, created_at) VALUES (?,?,?,?)")
                .params(accountId, Pem.of(ca.certificate()), masterKey.seal(ca.key().getEncoded(), accountId.toString()),
                        Timestamp.from(clock.instant()))
                .update();
    }

    private record Generated(X509Certificate certificate, PrivateKey key) {}

    /** A new P-384 key and its self-signed CA certificate, named {@code name}. */
    private Generated generate(X500Name name) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp384r1"));
            KeyPair pair = gen.generateKeyPair();
            Instant now = clock.instant();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    name, serial(), Date.from(now.minusSeconds(60)), Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new Generated(sign(b, pair.getPrivate()), pair.getPrivate());
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot create a CA", e);
        }
    }

    /** The CA certificate's subject key identifier, hex: how an issued certificate names its issuer's key. */
    public static String keyId(X509Certificate ca) {
        return java.util.HexFormat.of().formatHex(org.bouncycastle.asn1.x509.SubjectKeyIdentifier.getInstance(
                extension(ca, Extension.subjectKeyIdentifier)).getKeyIdentifier());
    }

    /** The key id of the CA that issued {@code issued} (its authority key identifier), hex. */
    public static String issuerKeyId(X509Certificate issued) {
        return java.util.HexFormat.of().formatHex(org.bouncycastle.asn1.x509.AuthorityKeyIdentifier.getInstance(
                extension(issued, Extension.authorityKeyIdentifier)).getKeyIdentifierOctets());
    }

    /** The value of an extension OpenCCM's own certificates always carry. */
    private static byte[] extension(X509Certificate cert, ASN1ObjectIdentifier oid) {
        byte[] value = cert.getExtensionValue(oid.getId());
        if (value == null) {
            throw new IllegalStateException("an OpenCCM certificate carries extension " + oid.getId());
        }
        return org.bouncycastle.asn1.ASN1OctetString.getInstance(value).getOctets();
    }

    /** The account's CAs: the current one, the next one when made, and the previous ones, newest first. */
    public record Generations(X509Certificate current, java.util.Optional<X509Certificate> next, List<X509Certificate> previous) {
        public List<X509Certificate> all() {
            List<X509Certificate> out = new java.util.ArrayList<>();
            out.add(current);
            next.ifPresent(out::add);
            out.addAll(previous);
            return out;
        }
    }

    public Generations generations(UUID accountId) {
        X509Certificate current = certificate(accountId);
        var rows = jdbc.sql("SELECT state, certificate_pem FROM account_ca_generations WHERE account_id = ? ORDER BY created_at DESC")
                .param(accountId)
                .query()
                .listOfRows();
        X509Certificate next = null;
        List<X509Certificate> previous = new java.util.ArrayList<>();
        for (var row : rows) {
            X509Certificate cert = parse((String) row.get("certificate_pem"));
            if ("NEXT".equals(row.get("state"))) {
                next = cert;
            } else {
                previous.add(cert);
            }
        }
        return new Generations(current, java.util.Optional.ofNullable(next), previous);
    }

    /**
     * Makes the account's next CA (same name, new P-384 key), to be published before it is used; refused while one
     * is waiting to be rotated to.
     */
    @Transactional
    public X509Certificate createNext(UUID accountId) {
        Ca current = lockCurrent(accountId);
        if (generations(accountId).next().isPresent()) {
            throw new org.openccm.server.error.Conflict("zone-id",
                    "a next CA certificate exists already: rotate to it (POST /v1/zones/{id}/certificates/rotate) first");
        }
        Generated next = generate(X500Name.getInstance(current.certificate().getSubjectX500Principal().getEncoded()));
        jdbc.sql("INSERT INTO account_ca_generations (account_id, key_id, state, certificate_pem, private_key_enc, created_at)"
                        + " VALUES (?,?,'NEXT',?,?,?)")
                .params(accountId, keyId(next.certificate()), Pem.of(next.certificate()),
                        masterKey.seal(next.key().getEncoded(), accountId.toString()), Timestamp.from(clock.instant()))
                .update();
        return next.certificate();
    }

    /**
     * The next CA becomes current and issues from now on; the current one becomes previous and keeps its key, for
     * the CRL of what it issued. Certificates issued before stay valid until they expire or are revoked.
     */
    @Transactional
    public Generations rotate(UUID accountId) {
        Ca current = lockCurrent(accountId);
        var next = jdbc.sql("SELECT key_id, certificate_pem, private_key_enc FROM account_ca_generations"
                        + " WHERE account_id = ? AND state = 'NEXT' FOR UPDATE")
                .param(accountId)
                .query()
                .listOfRows();
        if (next.isEmpty()) {
            throw new org.openccm.server.error.Conflict("zone-id",
                    "there is no next CA certificate to rotate to: make one with POST /v1/zones/{id}/certificates first");
        }
        Instant now = clock.instant();
        String currentKeyId = keyId(current.certificate());
        jdbc.sql("UPDATE certificates SET ca_key_id = ? WHERE account_id = ? AND ca_key_id IS NULL").params(currentKeyId, accountId).update();
        var row = jdbc.sql("SELECT private_key_enc, created_at FROM account_cas WHERE account_id = ?").param(accountId).query().singleRow();
        jdbc.sql("INSERT INTO account_ca_generations (account_id, key_id, state, certificate_pem, private_key_enc, created_at, retired_at)"
                        + " VALUES (?,?,'PREVIOUS',?,?,?,?)")
                .params(accountId, currentKeyId, Pem.of(current.certificate()), row.get("private_key_enc"), row.get("created_at"),
                        Timestamp.from(now))
                .update();
        var n = next.getFirst();
        jdbc.sql("UPDATE account_cas SET certificate_pem = ?, private_key_enc = ?, created_at = ? WHERE account_id = ?")
                .params(n.get("certificate_pem"), n.get("private_key_enc"), Timestamp.from(now), accountId)
                .update();
        jdbc.sql("DELETE FROM account_ca_generations WHERE account_id = ? AND key_id = ?").params(accountId, n.get("key_id")).update();
        return generations(accountId);
    }

    /**
     * One CRL per CA that issued a revoked certificate, each signed by that CA (RFC 5280: a CRL's issuer is the
     * certificates' issuer), the current CA's always: {@code revoked} by the issuing CA's key id, null for the current
     * CA's certificates from before the first rotation.
     */
    public List<X509CRL> crls(UUID accountId, java.util.Map<String, List<Revoked>> revoked) {
        Ca current = ca(accountId);
        List<Revoked> ofCurrent = new java.util.ArrayList<>(revoked.getOrDefault(keyId(current.certificate()), List.of()));
        ofCurrent.addAll(revoked.getOrDefault(null, List.of())); // issued before the first rotation named their CA
        List<X509CRL> out = new java.util.ArrayList<>();
        out.add(crl(current, ofCurrent));
        var previous = jdbc.sql("SELECT key_id, certificate_pem, private_key_enc FROM account_ca_generations"
                        + " WHERE account_id = ? AND state = 'PREVIOUS' ORDER BY retired_at DESC")
                .param(accountId)
                .query()
                .listOfRows();
        for (var row : previous) {
            out.add(crl(read(accountId, (String) row.get("certificate_pem"), (byte[]) row.get("private_key_enc")),
                    revoked.getOrDefault((String) row.get("key_id"), List.of())));
        }
        return out;
    }

    private Ca lockCurrent(UUID accountId) {
        ca(accountId); // an account from before CAs existed gets one first
        var row = jdbc.sql("SELECT certificate_pem, private_key_enc FROM account_cas WHERE account_id = ? FOR UPDATE")
                .param(accountId)
                .query()
                .singleRow();
        return read(accountId, (String) row.get("certificate_pem"), (byte[]) row.get("private_key_enc"));
    }

    private static X509Certificate parse(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem.getBytes()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a stored CA certificate cannot be read", e);
        }
    }

    private Ca read(UUID accountId, String pem, byte[] sealedKey) {
        try {
            byte[] pkcs8 = masterKey.open(sealedKey, accountId.toString());
            return new Ca(parse(pem), KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the CA of account " + accountId + " cannot be read", e);
        }
    }

    private Ca ca(UUID accountId) {
        var rows = jdbc.sql("SELECT certificate_pem, private_key_enc FROM account_cas WHERE account_id = ?")
                .param(accountId)
                .query()
                .listOfRows();
        if (rows.isEmpty()) {
            // An account from before CAs existed gets its CA on first use.
            String name = jdbc.sql("SELECT name FROM accounts WHERE id = ?").param(accountId).query(String.class).single();
            create(accountId, name);
            return ca(accountId);
        }
        var row = rows.getFirst();
        return read(accountId, (String) row.get("certificate_pem"), (byte[]) row.get("private_key_enc"));
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
            throws GeneralSecurityException {
        ContentSigner signer = EcdsaSigning.contentSigner(key);
        X509CertificateHolder holder = b.build(signer);
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private BigInteger serial() {
        return new BigInteger(127, random).add(BigInteger.ONE);
    }

    static SubjectPublicKeyInfo spki(PublicKey key) {
        return SubjectPublicKeyInfo.getInstance(key.getEncoded());
    }
}
