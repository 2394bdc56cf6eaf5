// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.attestation;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.openccm.attestation.CollateralSource;
import org.openccm.attestation.Hex;
import org.openccm.attestation.dcap.DcapCollateral;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * VCEKs that verified an earlier report, kept by chip and reported TCB, so that a workload of the same chip may send
 * its report alone. A cached VCEK is verified again like one sent with the report: the cache is trusted for
 * availability only.
 */
@Component
class VcekCache implements CollateralSource {
    private final JdbcClient jdbc;

    VcekCache(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<DcapCollateral> intel(String fmspc, boolean tdx) {
        return Optional.empty();
    }

    @Override
    public Optional<byte[]> amdVcek(byte[] chipId, long reportedTcb) {
        return jdbc.sql("SELECT certificate FROM snp_vcek_cache WHERE chip_id = ? AND reported_tcb = ?")
                .params(Hex.of(chipId), reportedTcb)
                .query(byte[].class)
                .optional();
    }

    @Override
    public void verifiedVcek(byte[] chipId, long reportedTcb, X509Certificate vcek) {
        try {
            jdbc.sql("INSERT INTO snp_vcek_cache (chip_id, reported_tcb, certificate, created_at) VALUES (?,?,?,now())"
                            + " ON CONFLICT DO NOTHING")
                    .params(Hex.of(chipId), reportedTcb, vcek.getEncoded())
                    .update();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
