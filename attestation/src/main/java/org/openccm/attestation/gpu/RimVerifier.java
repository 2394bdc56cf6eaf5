// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.gpu;

import java.io.ByteArrayInputStream;
import java.security.Key;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import javax.xml.XMLConstants;
import javax.xml.crypto.AlgorithmMethod;
import javax.xml.crypto.KeySelector;
import javax.xml.crypto.KeySelectorResult;
import javax.xml.crypto.XMLCryptoContext;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfo;
import javax.xml.parsers.DocumentBuilderFactory;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.x509.CertificateChains;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Verifies an NVIDIA RIM (ISO/IEC 19770-2 SWID tag with an enveloped XML signature: c14n 1.1, SHA-384,
 * ECDSA-SHA384) with the JDK's XML-DSig in secure validation mode: the signature by the first certificate of its
 * X509Data, that chain ending at the pinned NVIDIA CoRIM signing root at the verification instant; then reads the
 * active measurements. XML is parsed without DTDs or external entities.
 */
public final class RimVerifier {
    private static final String SWID = "http://standards.iso.org/iso/19770/-2/2015/schema.xsd";
    private static final String SHA384_NS = "http://www.w3.org/2001/04/xmlenc#sha384";
    private final X509Certificate root;

    public RimVerifier(X509Certificate corimRoot) {
        this.root = corimRoot;
    }

    public static RimVerifier withNvidiaRoot() {
        return new RimVerifier(NvidiaGpuVerifier.resource("nvidia-corim-signing-root-ca.pem"));
    }

    /** The certificate a RIM names as its signer (the first of its X509Data), read but not verified. */
    public static X509Certificate signingCertificate(byte[] swidTag) throws EvidenceRejected {
        List<X509Certificate> chain = embeddedChain(parse(swidTag));
        if (chain.isEmpty()) {
            throw new EvidenceRejected(Reason.CHAIN, "rim.x509data", "no signing certificate");
        }
        return chain.getFirst();
    }

    private static List<X509Certificate> embeddedChain(Document doc) throws EvidenceRejected {
        List<X509Certificate> chain = new ArrayList<>();
        NodeList certs = doc.getElementsByTagNameNS(XMLSignature.XMLNS, "X509Certificate");
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (int i = 0; i < certs.getLength(); i++) {
                byte[] der = java.util.Base64.getMimeDecoder().decode(certs.item(i).getTextContent().trim());
                chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw new EvidenceRejected(Reason.CHAIN, "rim.x509data", "unreadable certificate: " + e.getMessage());
        }
        return chain;
    }

    public Rim verify(byte[] swidTag, VerificationContext context) throws EvidenceRejected {
        Document doc = parse(swidTag);
        NodeList signatures = doc.getElementsByTagNameNS(XMLSignature.XMLNS, "Signature");
        if (signatures.getLength() != 1) {
            throw new EvidenceRejected(Reason.SIGNATURE, "rim", "must carry exactly one XML signature, has " + signatures.getLength());
        }
        List<X509Certificate> chain = embeddedChain(doc);
        if (chain.isEmpty()) {
            throw new EvidenceRejected(Reason.CHAIN, "rim.x509data", "no signing certificate");
        }
        if (!sameCertificate(chain.getLast(), root)) {
            chain.add(root);
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            names.add(i == 0 ? "rim.signer" : i == chain.size() - 1 ? "rim.root" : "rim.intermediate" + i);
        }
        CertificateChains.verify(chain, names, List.of(root), context.now());
        X509Certificate signer = chain.getFirst();
        try {
            DOMValidateContext validation = new DOMValidateContext(new KeySelector() {
                @Override
                public KeySelectorResult select(KeyInfo keyInfo, Purpose purpose, AlgorithmMethod method, XMLCryptoContext ctx) {
                    return () -> (Key) signer.getPublicKey();
                }
            }, signatures.item(0));
            validation.setProperty("org.jcp.xml.dsig.secureValidation", Boolean.TRUE);
            XMLSignature signature = XMLSignatureFactory.getInstance("DOM").unmarshalXMLSignature(validation);
            if (!signature.validate(validation)) {
                boolean digests = signature.getSignedInfo().getReferences().stream().allMatch(r -> {
                    try {
                        return r.validate(validation);
                    } catch (javax.xml.crypto.dsig.XMLSignatureException e) {
                        return false;
                    }
                });
                throw new EvidenceRejected(Reason.SIGNATURE, "rim.signature",
                        digests ? "the signature value does not verify" : "the signed content was changed (digest mismatch)");
            }
        } catch (javax.xml.crypto.MarshalException | javax.xml.crypto.dsig.XMLSignatureException e) {
            throw new EvidenceRejected(Reason.SIGNATURE, "rim.signature", "cannot be verified: " + e.getMessage());
        }
        return read(doc, chain);
    }

    private static Rim read(Document doc, List<X509Certificate> chain) throws EvidenceRejected {
        String version = null;
        NodeList metas = doc.getElementsByTagNameNS(SWID, "Meta");
        for (int i = 0; i < metas.getLength() && version == null; i++) {
            String v = ((Element) metas.item(i)).getAttribute("colloquialVersion");
            version = v.isEmpty() ? null : v;
        }
        SortedMap<Integer, List<String>> active = new TreeMap<>();
        NodeList resources = doc.getElementsByTagNameNS(SWID, "Resource");
        for (int i = 0; i < resources.getLength(); i++) {
            Element r = (Element) resources.item(i);
            if (!"Measurement".equals(r.getAttribute("type")) || !"true".equalsIgnoreCase(r.getAttribute("active"))) {
                continue;
            }
            try {
                int index = Integer.parseInt(r.getAttribute("index"));
                int alternatives = Integer.parseInt(r.getAttribute("alternatives"));
                List<String> values = new ArrayList<>();
                for (int a = 0; a < alternatives; a++) {
                    values.add(r.getAttributeNS(SHA384_NS, "Hash" + a).toLowerCase(Locale.ROOT));
                }
                active.put(index, List.copyOf(values));
            } catch (NumberFormatException e) {
                throw new EvidenceRejected(Reason.MALFORMED, "rim.resource", "a measurement without a numeric index or alternatives");
            }
        }
        return new Rim(version, active, chain);
    }

    /**
     * The golden values of a driver RIM and a VBIOS RIM against a report's blocks (RIM index i is SPDM block i + 1):
     * the indexes whose runtime value is none of the alternatives. An index active in both RIMs is refused.
     */
    public static List<Integer> mismatches(GpuAttestation report, List<Rim> rims) throws EvidenceRejected {
        SortedMap<Integer, List<String>> golden = new TreeMap<>();
        for (Rim rim : rims) {
            for (var e : rim.activeMeasurements().entrySet()) {
                if (golden.put(e.getKey(), e.getValue()) != null) {
                    throw new EvidenceRejected(Reason.MEASUREMENT, "rim", "measurement index " + e.getKey() + " is active in two RIMs");
                }
            }
        }
        List<Integer> differ = new ArrayList<>();
        golden.forEach((index, alternatives) -> {
            String runtime = report.measurements().get(index + 1);
            if (runtime == null || !alternatives.contains(runtime)) {
                differ.add(index);
            }
        });
        return differ;
    }

    private static Document parse(byte[] xml) throws EvidenceRejected {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            f.setXIncludeAware(false);
            return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
        } catch (Exception e) {
            throw new EvidenceRejected(Reason.MALFORMED, "rim", "not a well-formed SWID tag: " + e.getMessage());
        }
    }

    private static boolean sameCertificate(X509Certificate a, X509Certificate b) {
        try {
            return java.util.Arrays.equals(a.getEncoded(), b.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            return false;
        }
    }
}
