// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.eif;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * What {@code docker export} of a fresh container of an image streams, computed from the image's layers without
 * Docker (image-conversion notes A2.6): layers applied in order with OCI whiteouts, the container's init-layer
 * files added, then a depth-first walk in byte order per directory, directories named with a trailing slash, and
 * the first path of a hard-linked file written as the file, later ones as links to it.
 */
public final class DockerExport {
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    private DockerExport() {}

    private static final class Node {
        TarEntry entry;
        final TreeMap<String, Node> children = new TreeMap<>(DockerExport::compareBytes);
    }

    /** @param layers the layer blobs, base first, each a tar or a gzipped tar */
    public static List<TarEntry> export(List<byte[]> layers, long containerCreated) {
        return merge(layers.stream().map(l -> TarReader.read(gunzipIfNeeded(l))).toList(), containerCreated);
    }

    /**
     * The same from layers on disk, each an uncompressed tar file, base first: the entries it returns point into
     * those files, which must stay until the export is consumed.
     */
    public static List<TarEntry> exportFiles(List<java.nio.file.Path> layerTars, long containerCreated) throws IOException {
        List<List<TarEntry>> layers = new ArrayList<>();
        for (java.nio.file.Path tar : layerTars) {
            layers.add(TarReader.read(tar));
        }
        return merge(layers, containerCreated);
    }

    private static List<TarEntry> merge(List<List<TarEntry>> layers, long containerCreated) {
        Node root = new Node();
        Map<String, String> hardLinks = new HashMap<>();
        for (List<TarEntry> layer : layers) {
            for (TarEntry e : layer) {
                String path = clean(e.name());
                if (path.isEmpty()) {
                    continue;
                }
                String base = path.contains("/") ? path.substring(path.lastIndexOf('/') + 1) : path;
                String dir = path.contains("/") ? path.substring(0, path.lastIndexOf('/')) : "";
                if (base.equals(OPAQUE)) {
                    Node d = node(root, dir, true);
                    d.children.clear();
                    continue;
                }
                if (base.startsWith(WHITEOUT)) {
                    Node d = node(root, dir, false);
                    if (d != null) {
                        d.children.remove(base.substring(WHITEOUT.length()));
                    }
                    continue;
                }
                Node n = node(root, path, true);
                if (e.type() == '1') {
                    hardLinks.put(path, clean(e.linkName()));
                } else {
                    hardLinks.remove(path);
                }
                if (n.entry != null && n.entry.type() == '5' && e.type() == '5') {
                    n.entry = e; // the uppermost layer's directory metadata wins, children stay
                } else {
                    if (e.type() != '5') {
                        n.children.clear();
                    }
                    n.entry = e;
                }
            }
        }
        addInitLayer(root, containerCreated);
        List<TarEntry> out = new ArrayList<>();
        Map<String, String> firstOfGroup = new HashMap<>();
        walk(root, "", out, hardLinks, firstOfGroup);
        return out;
    }

    // Docker's init layer puts these into every container; linuxkit later drops or rewrites most of them.
    private static void addInitLayer(Node root, long at) {
        ensureDir(root, "dev", at);
        ensureDir(root, "dev/pts", at);
        ensureDir(root, "dev/shm", at);
        ensureDir(root, "etc", at);
        ensureDir(root, "proc", at);
        ensureDir(root, "sys", at);
        ensureFile(root, ".dockerenv", 0755, at, '0', "");
        ensureFile(root, "dev/console", 0755, at, '0', "");
        ensureFile(root, "etc/hostname", 0644, at, '0', "");
        ensureFile(root, "etc/hosts", 0644, at, '0', "");
        ensureFile(root, "etc/resolv.conf", 0644, at, '0', "");
        ensureFile(root, "etc/mtab", 0777, at, '2', "/proc/mounts");
    }

    private static void ensureDir(Node root, String path, long at) {
        Node n = node(root, path, true);
        if (n.entry == null) {
            n.entry = new TarEntry(path + "/", '5', 0755, 0, 0, at, "", 0, 0, new byte[0]);
        }
    }

    private static void ensureFile(Node root, String path, int mode, long at, char type, String link) {
        Node n = node(root, path, true);
        if (n.entry == null) {
            n.entry = new TarEntry(path, type, mode, 0, 0, at, link, 0, 0, new byte[0]);
        }
    }

    private static void walk(Node dir, String prefix, List<TarEntry> out, Map<String, String> hardLinks, Map<String, String> firstOfGroup) {
        for (Map.Entry<String, Node> child : dir.children.entrySet()) {
            String path = prefix + child.getKey();
            Node n = child.getValue();
            TarEntry e = n.entry != null ? n.entry : new TarEntry(path + "/", '5', 0755, 0, 0, 0, "", 0, 0, new byte[0]);
            boolean isDir = e.type() == '5';
            String name = isDir ? path + "/" : path;
            if (hardLinks.containsKey(path) || hardLinks.containsValue(path)) {
                String group = group(path, hardLinks);
                String first = firstOfGroup.putIfAbsent(group, path);
                if (first != null) {
                    out.add(new TarEntry(name, '1', e.mode(), e.uid(), e.gid(), e.mtime(), first, 0, 0, new byte[0]));
                    continue;
                }
                TarEntry target = e.type() == '1' ? null : e;
                if (target == null) {
                    throw new IllegalArgumentException("hard link " + path + " comes before its target " + hardLinks.get(path)
                            + " in the walk; not supported yet");
                }
            }
            out.add(new TarEntry(name, e.type(), e.mode(), e.uid(), e.gid(), e.mtime(), e.linkName(), e.devMajor(), e.devMinor(), e.data(), e.content()));
            if (isDir) {
                walk(n, path + "/", out, hardLinks, firstOfGroup);
            }
        }
    }

    private static String group(String path, Map<String, String> hardLinks) {
        String p = path;
        while (hardLinks.containsKey(p)) {
            p = hardLinks.get(p);
        }
        return p;
    }

    private static Node node(Node root, String path, boolean create) {
        Node n = root;
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            Node next = n.children.get(part);
            if (next == null) {
                if (!create) {
                    return null;
                }
                next = new Node();
                n.children.put(part, next);
            }
            n = next;
        }
        return n;
    }

    static String clean(String name) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        if (n.startsWith("/")) {
            n = n.substring(1);
        }
        while (n.endsWith("/")) {
            n = n.substring(0, n.length() - 1);
        }
        return n.equals(".") ? "" : n;
    }

    private static int compareBytes(String a, String b) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.compareUnsigned(x, y);
    }

    private static byte[] gunzipIfNeeded(byte[] layer) {
        if (layer.length > 2 && (layer[0] & 0xff) == 0x1f && (layer[1] & 0xff) == 0x8b) {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(layer))) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("a layer is not a valid gzip stream", e);
            }
        }
        return layer;
    }
}
