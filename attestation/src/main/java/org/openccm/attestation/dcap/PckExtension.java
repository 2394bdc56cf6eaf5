// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.dcap;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;

/**
 * The SGX extension of a PCK certificate (OID 1.2.840.113741.1.13.1): the platform's FMSPC and PCE-ID, which select
 * the TCB info, and the TCB the certificate was issued for (16 CPUSVN components and PCESVN), which selects the TCB
 * level. A SEQUENCE of (OID, value) pairs, the TCB itself a SEQUENCE of such pairs.
 */
public record PckExtension(String fmspc, String pceId, int[] cpuSvnComponents, int pceSvn) {
    static final String OID = "1.2.840.113741.1.13.1";

    public static PckExtension of(X509Certificate pck) throws EvidenceRejected {
        byte[] wrapped = pck.getExtensionValue(OID);
        if (wrapped == null) {
            throw new EvidenceRejected(Reason.CHAIN, "PCK", "has no SGX extension (" + OID + ")");
        }
        try {
            Tlv octets = Tlv.read(wrapped, 0);
            Tlv sequence = Tlv.read(octets.value(), 0);
            String fmspc = null;
            String pceId = null;
            int[] comps = new int[16];
            int pceSvn = -1;
            for (Tlv pair : sequence.children()) {
                List<Tlv> kv = pair.children();
                String oid = kv.get(0).oid();
                Tlv value = kv.get(1);
                switch (oid) {
                    case OID + ".4" -> fmspc = HexFormat.of().formatHex(value.value());
                    case OID + ".3" -> pceId = HexFormat.of().formatHex(value.value());
                    case OID + ".2" -> {
                        for (Tlv component : value.children()) {
                            List<Tlv> c = component.children();
                            String sub = c.get(0).oid().substring((OID + ".2.").length());
                            int index = Integer.parseInt(sub);
                            if (index >= 1 && index <= 16) {
                                comps[index - 1] = c.get(1).integer();
                            } else if (index == 17) {
                                pceSvn = c.get(1).integer();
                            }
                        }
                    }
                    default -> {}
                }
            }
            if (fmspc == null || pceId == null || pceSvn < 0) {
                throw new EvidenceRejected(Reason.CHAIN, "PCK", "its SGX extension lacks the FMSPC, PCE-ID or TCB");
            }
            return new PckExtension(fmspc, pceId, comps, pceSvn);
        } catch (RuntimeException e) {
            throw new EvidenceRejected(Reason.CHAIN, "PCK", "unreadable SGX extension: " + e.getMessage());
        }
    }

    /** One DER TLV; enough of DER for Intel's extension (definite lengths, low tag numbers). */
    record Tlv(int tag, byte[] value, int end) {
        static Tlv read(byte[] b, int at) {
            int tag = b[at] & 0xff;
            int len = b[at + 1] & 0xff;
            int offset = at + 2;
            if (len >= 0x80) {
                int n = len & 0x7f;
                if (n == 0 || n > 3) {
                    throw new IllegalArgumentException("unsupported DER length");
                }
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = (len << 8) | (b[offset + i] & 0xff);
                }
                offset += n;
            }
            if (offset + len > b.length) {
                throw new IllegalArgumentException("DER value runs past its container");
            }
            return new Tlv(tag, Arrays.copyOfRange(b, offset, offset + len), offset + len);
        }

        List<Tlv> children() {
            List<Tlv> out = new ArrayList<>();
            int at = 0;
            while (at < value.length) {
                Tlv t = read(value, at);
                out.add(t);
                at = t.end();
            }
            return out;
        }

        int integer() {
            return new java.math.BigInteger(value).intValueExact();
        }

        String oid() {
            if (tag != 0x06) {
                throw new IllegalArgumentException("expected an OBJECT IDENTIFIER");
            }
            StringBuilder s = new StringBuilder();
            long v = 0;
            for (int i = 0; i < value.length; i++) {
                v = (v << 7) | (value[i] & 0x7f);
                if ((value[i] & 0x80) == 0) {
                    if (s.isEmpty()) {
                        s.append(v < 80 ? v / 40 : 2).append('.').append(v < 80 ? v % 40 : v - 80);
                    } else {
                        s.append('.').append(v);
                    }
                    v = 0;
                }
            }
            return s.toString();
        }
    }
}
