// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.eif;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The second ramdisk of a Nitro EIF, made from a container's {@code docker export} stream as nitro-cli's linuxkit
 * makes it: the image under {@code rootfs/} with linuxkit's exclusions, replacements and touched times, then the
 * files of nitro-cli's customer YAML (rootfs/dev, run, sys, var, proc, tmp, and the cmd and env files).
 */
public final class CustomerRamdisk {
    static final String PREFIX = "rootfs/";
    // linuxkit moby/build/image.go: entries an init image never carries over
    private static final Set<String> EXCLUDED =
            Set.of(".dockerenv", "Dockerfile", "dev/console", "dev/pts", "dev/shm", "etc/hostname");
    // linuxkit forces these to its default time; the keys are compared with the exported names, slash included
    private static final Set<String> TOUCHED = Set.of(
            "dev/", "dev/pts/", "dev/shm/", "etc/", "etc/mtab", "etc/resolv.conf", "etc/hosts", "proc/", "sys/");
    static final byte[] HOSTS = ("127.0.0.1       localhost\n::1     localhost ip6-localhost ip6-loopback\n"
                    + "fe00::0 ip6-localnet\nff00::0 ip6-mcastprefix\nff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n")
            .getBytes(StandardCharsets.US_ASCII);
    private static final String RESOLV_TARGET = "/run/resolvconf/resolv.conf";
    private static final List<String> YAML_DIRS =
            List.of("rootfs/dev", "rootfs/run", "rootfs/sys", "rootfs/var", "rootfs/proc", "rootfs/tmp");

    private CustomerRamdisk() {}

    /** nitro-cli's cmd/env file: each element followed by a newline. */
    public static byte[] configFile(List<String> lines) {
        StringBuilder out = new StringBuilder();
        lines.forEach(l -> out.append(l).append('\n'));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] build(byte[] dockerExport, byte[] cmd, byte[] env) {
        return build(TarReader.read(dockerExport), cmd, env);
    }

    public static byte[] build(List<TarEntry> dockerExport, byte[] cmd, byte[] env) {
        return NewcCpioWriter.write(entries(dockerExport, cmd, env));
    }

    /** The ramdisk streamed to {@code out}, file contents copied from wherever the export's entries keep them. */
    public static void write(List<TarEntry> dockerExport, byte[] cmd, byte[] env, java.io.OutputStream out) throws java.io.IOException {
        NewcCpioWriter.write(entries(dockerExport, cmd, env), out);
    }

    private static List<CpioEntry> entries(List<TarEntry> dockerExport, byte[] cmd, byte[] env) {
        List<CpioEntry> entries = new ArrayList<>();
        entries.add(CpioEntry.dir("rootfs", 0755, CpioEntry.DEFAULT_MTIME));
        Set<String> seenTouched = new LinkedHashSet<>();
        for (TarEntry t : dockerExport) {
            String name = t.type() == '5' && !t.name().endsWith("/") ? t.name() + "/" : t.name();
            if (EXCLUDED.contains(name) || name.startsWith("boot/")) {
                continue;
            }
            long mtime = t.mtime();
            if (TOUCHED.contains(name)) {
                seenTouched.add(name);
                mtime = CpioEntry.DEFAULT_MTIME;
            }
            entries.add(entry(t, name, mtime));
        }
        Map<String, CpioEntry> missing = new TreeMap<>();
        for (String name : TOUCHED) {
            if (!seenTouched.contains(name)) {
                missing.put(name, added(name));
            }
        }
        entries.addAll(missing.values());
        // nitro-cli's files: section; linuxkit emits the missing parent "rootfs" again first
        entries.add(CpioEntry.dir("rootfs", 0755, CpioEntry.DEFAULT_MTIME));
        YAML_DIRS.forEach(d -> entries.add(CpioEntry.dir(d, 0755, CpioEntry.DEFAULT_MTIME)));
        entries.add(CpioEntry.file("cmd", 0644, CpioEntry.DEFAULT_MTIME, cmd));
        entries.add(CpioEntry.file("env", 0644, CpioEntry.DEFAULT_MTIME, env));
        return entries;
    }

    private static CpioEntry entry(TarEntry t, String name, long mtime) {
        int perm = t.mode() & 07777;
        String path = PREFIX + name;
        if (name.equals("etc/hosts")) {
            return new CpioEntry(path, CpioEntry.REG, perm, t.uid(), t.gid(), mtime, HOSTS, 0, 0);
        }
        if (name.equals("etc/resolv.conf")) {
            return new CpioEntry(path, CpioEntry.SYMLINK, perm, t.uid(), t.gid(), mtime, bytes(RESOLV_TARGET), 0, 0);
        }
        return switch (t.type()) {
            case '0', '7' -> new CpioEntry(path, CpioEntry.REG, perm, t.uid(), t.gid(), mtime, t.content(), 0, 0);
            case '5' -> new CpioEntry(path, CpioEntry.DIR, perm, t.uid(), t.gid(), mtime, new byte[0], 0, 0);
            case '2' -> new CpioEntry(path, CpioEntry.SYMLINK, perm, t.uid(), t.gid(), mtime, bytes(t.linkName()), 0, 0);
            // a hard link becomes a symlink relative to the link's own directory
            case '1' -> new CpioEntry(
                    path, CpioEntry.SYMLINK, perm, t.uid(), t.gid(), mtime, bytes(relative(name, t.linkName())), 0, 0);
            case '3' -> new CpioEntry(path, 0x2, perm, t.uid(), t.gid(), mtime, new byte[0], t.devMajor(), t.devMinor());
            case '4' -> new CpioEntry(path, 0x6, perm, t.uid(), t.gid(), mtime, new byte[0], t.devMajor(), t.devMinor());
            case '6' -> new CpioEntry(path, 0x1, perm, t.uid(), t.gid(), mtime, new byte[0], 0, 0);
            default -> throw new IllegalArgumentException("tar entry " + name + " has unsupported type '" + t.type() + "'");
        };
    }

    private static CpioEntry added(String name) {
        String path = PREFIX + name;
        long at = CpioEntry.DEFAULT_MTIME;
        return switch (name) {
            case "etc/hosts" -> new CpioEntry(path, CpioEntry.REG, 0644, 0, 0, at, HOSTS, 0, 0);
            case "etc/mtab" -> new CpioEntry(path, CpioEntry.SYMLINK, 0777, 0, 0, at, bytes("/proc/mounts"), 0, 0);
            case "etc/resolv.conf" -> new CpioEntry(path, CpioEntry.SYMLINK, 0644, 0, 0, at, bytes(RESOLV_TARGET), 0, 0);
            default -> CpioEntry.dir(path, 0755, at);
        };
    }

    /** Go's filepath.Rel(dir(name), target) for the clean relative paths a tar stream holds. */
    static String relative(String name, String target) {
        List<String> from = parts(name.contains("/") ? name.substring(0, name.lastIndexOf('/')) : "");
        List<String> to = parts(target);
        int common = 0;
        while (common < from.size() && common < to.size() && from.get(common).equals(to.get(common))) {
            common++;
        }
        List<String> out = new ArrayList<>();
        for (int i = common; i < from.size(); i++) {
            out.add("..");
        }
        out.addAll(to.subList(common, to.size()));
        return out.isEmpty() ? "." : String.join("/", out);
    }

    private static List<String> parts(String path) {
        List<String> out = new ArrayList<>();
        for (String p : path.split("/")) {
            if (!p.isEmpty() && !p.equals(".")) {
                out.add(p);
            }
        }
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
