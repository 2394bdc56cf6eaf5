// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.eif;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openccm.server.TestFiles;

class CustomerRamdiskTest {

    @Test
    void reproducesTheCustomerRamdiskOfTheVectorsFromADockerExport() throws Exception {
        byte[] built = CustomerRamdisk.build(
                Files.readAllBytes(TestFiles.vector("eif/docker-export.tar")),
                Files.readAllBytes(TestFiles.vector("eif/cmd")),
                Files.readAllBytes(TestFiles.vector("eif/env")));

        assertThat(built).isEqualTo(Files.readAllBytes(TestFiles.vector("eif/customer.cpio")));
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-384").digest(built)))
                .isEqualTo("f23c78ce32fa9b35028006eaa166894dea579e7861bca1ec74210a6c801ae36d61ce42adf7c519b4bdbb570831152a57");
    }

    @Test
    void cmdAndEnvFilesEndEveryElementWithANewline() throws Exception {
        assertThat(CustomerRamdisk.configFile(List.of("/usr/bin/app")))
                .isEqualTo(Files.readAllBytes(TestFiles.vector("eif/cmd")));
    }

    @Test
    void hardLinksBecomeRelativeSymlinks() {
        assertThat(CustomerRamdisk.relative("bin/sh", "bin/busybox")).isEqualTo("busybox");
        assertThat(CustomerRamdisk.relative("usr/bin/sh", "bin/busybox")).isEqualTo("../../bin/busybox");
        assertThat(CustomerRamdisk.relative("sh", "bin/busybox")).isEqualTo("bin/busybox");
    }
}
