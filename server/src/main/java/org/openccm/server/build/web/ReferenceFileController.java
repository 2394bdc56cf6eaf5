// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Base64;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.nitro.NitroMeasurements;
import org.openccm.attestation.nitro.NitroMeasurementsParser;
import org.openccm.attestation.sgx.Sigstruct;
import org.openccm.attestation.sgx.SigstructParser;
import org.openccm.server.account.Roles;
import org.openccm.server.error.InvalidField;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Reads a SIGSTRUCT or nitro-cli measurement file and returns the values it proves, without registering
 * anything: what a form shows after an upload so the user sees the values before saving.
 */
@RestController
@Tag(name = "Tools")
class ReferenceFileController {

    record SigstructInfo(
            String mrenclave,
            String mrsigner,
            int isvprodid,
            int isvsvn,
            String vendor,
            String date,
            String attributes,
            String attributeMask,
            long miscSelect,
            long miscMask) {}

    record SigstructRequest(String sigstruct) {}

    record NitroMeasurementsInfo(String hashAlgorithm, String pcr0, String pcr1, String pcr2, String pcr8) {}

    @PostMapping(path = "/v1/tools/sigstruct", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    @PreAuthorize(Roles.READ)
    @Operation(summary = "Verify an SGX SIGSTRUCT file (raw bytes) and return the identity it carries")
    SigstructInfo sigstructFile(@RequestBody byte[] sigstruct) {
        return sigstruct(sigstruct);
    }

    @PostMapping(path = "/v1/tools/sigstruct", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize(Roles.READ)
    @Operation(summary = "Verify a base64 SGX SIGSTRUCT and return the identity it carries")
    SigstructInfo sigstructBase64(@RequestBody SigstructRequest request) {
        if (request.sigstruct() == null) {
            throw new InvalidField("sigstruct", "required: the base64 of the SIGSTRUCT");
        }
        try {
            return sigstruct(Base64.getDecoder().decode(request.sigstruct().replaceAll("\\s", "")));
        } catch (IllegalArgumentException e) {
            throw new InvalidField("sigstruct", "not valid base64");
        }
    }

    @PostMapping(path = "/v1/tools/nitro-measurements", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize(Roles.READ)
    @Operation(summary = "Read the PCRs from nitro-cli build-enclave / describe-eif output")
    NitroMeasurementsInfo nitroMeasurements(@RequestBody JsonNode measurements) {
        try {
            NitroMeasurements m = NitroMeasurementsParser.parse(measurements);
            return new NitroMeasurementsInfo("Sha384", m.pcr0(), m.pcr1(), m.pcr2(), m.pcr8().orElse(null));
        } catch (EvidenceRejected e) {
            throw new InvalidField("nitro_measurements", "refused: " + e.getMessage());
        }
    }

    private static SigstructInfo sigstruct(byte[] bytes) {
        try {
            Sigstruct s = SigstructParser.parse(bytes);
            return new SigstructInfo(
                    s.mrEnclave(),
                    s.mrSigner(),
                    s.isvProdId(),
                    s.isvSvn(),
                    String.format("0x%04x", s.vendor()),
                    String.format("%08x", s.date()),
                    s.attributes(),
                    s.attributeMask(),
                    Integer.toUnsignedLong(s.miscSelect()),
                    Integer.toUnsignedLong(s.miscMask()));
        } catch (EvidenceRejected e) {
            throw new InvalidField("sigstruct", "refused: " + e.getMessage());
        }
    }
}
