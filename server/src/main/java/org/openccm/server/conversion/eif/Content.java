// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.eif;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * The bytes a tar entry, cpio entry or EIF section carries: in memory, or a slice of a file on disk, so that an
 * image's layers (which can be gigabytes) flow from the registry through the ramdisk into the EIF without ever being
 * held in memory whole.
 */
public sealed interface Content {
    long size();

    void writeTo(OutputStream out) throws IOException;

    static Content of(byte[] data) {
        return new Bytes(data);
    }

    record Bytes(byte[] data) implements Content {
        @Override
        public long size() {
            return data.length;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            out.write(data);
        }
    }

    record FileSlice(Path file, long offset, long length) implements Content {
        @Override
        public long size() {
            return length;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            try (FileChannel in = FileChannel.open(file)) {
                WritableByteChannel target = Channels.newChannel(out);
                long done = 0;
                while (done < length) {
                    long n = in.transferTo(offset + done, length - done, target);
                    if (n <= 0) {
                        throw new IOException(file + " ended before the " + length + " bytes at " + offset + " its entry names");
                    }
                    done += n;
                }
            }
        }
    }
}
