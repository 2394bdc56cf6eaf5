// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.eif;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.openccm.server.TestFiles;

class BootstrapRamdiskTest {

    @Test
    void reproducesTheBootstrapRamdiskOfTheVectorsByteForByte() throws Exception {
        byte[] built = BootstrapRamdisk.build(
                Files.readAllBytes(TestFiles.vector("eif/fake-init")), Files.readAllBytes(TestFiles.vector("eif/fake-nsm.ko")));

        assertThat(built).isEqualTo(Files.readAllBytes(TestFiles.vector("eif/bootstrap-fake.cpio")));
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-384").digest(built)))
                .isEqualTo("d92d013af672f2db8d8635a4bd2beb139e4299af00c670bb12ad1165da775fba7517038a14a0d182a138cbcf96648f0f");
    }
}
