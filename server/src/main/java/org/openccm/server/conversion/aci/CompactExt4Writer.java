// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.aci;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the compact, read-only ext4 image that hcsshim's compactext4 writes for a layer, byte for byte: ACI's
 * layer hash is the dm-verity root of exactly this image, so every layout decision below (4096-byte blocks, data
 * streamed after the descriptor area, directories written last, one inode table sized by the same group-count
 * search, 32-byte group descriptors for the maximum disk size, no checksums, no clock, no UUID) is part of the
 * hash, including the quirks the comments point at.
 *
 * <p>Paths are ISO-8859-1 strings, one char per byte (see {@link LayerTarReader}).
 */
final class CompactExt4Writer implements Closeable {
    static final int BLOCK_SIZE = 4096;
    static final int S_IFIFO = 0x1000;
    static final int S_IFCHR = 0x2000;
    static final int S_IFDIR = 0x4000;
    static final int S_IFBLK = 0x6000;
    static final int S_IFREG = 0x8000;
    static final int S_IFLNK = 0xA000;
    static final int S_IFSOCK = 0xC000;
    static final int TYPE_MASK = 0xF000;

    private static final int INODE_FIRST = 11;
    private static final int BLOCKS_PER_GROUP = BLOCK_SIZE * 8;
    private static final int INODE_SIZE = 256;
    private static final int MAX_INODES_PER_GROUP = BLOCK_SIZE * 8;
    private static final int INODES_PER_GROUP_INCREMENT = BLOCK_SIZE / INODE_SIZE;
    private static final int GROUPS_PER_DESCRIPTOR_BLOCK = BLOCK_SIZE / 32;
    private static final long MAX_FILE_SIZE = 128L << 30;
    private static final int SMALL_SYMLINK_SIZE = 59;
    private static final int MAX_BLOCKS_PER_EXTENT = 0x8000;
    private static final int INODE_USED_SIZE = 152;
    private static final int INODE_EXTRA_SIZE = INODE_SIZE - INODE_USED_SIZE;
    private static final int MAX_LINKS = 65000;
    private static final int XATTR_MAGIC = 0xEA020000;
    private static final int FLAG_HUGE_FILE = 0x40000;
    private static final int FLAG_EXTENTS = 0x80000;
    private static final int DIRENT_SIZE = 8;

    /** A file to add, as tar2ext4 fills it from a tar header. Times null when absent. */
    record FileSpec(
            String linkName,
            long size,
            int mode,
            long uid,
            long gid,
            Instant atime,
            Instant ctime,
            Instant mtime,
            Instant crtime,
            long devMajor,
            long devMinor,
            Map<String, byte[]> xattrs) {}

    private static final class Inode {
        long size;
        long atime;
        long ctime;
        long mtime;
        long crtime;
        int number;
        int mode;
        long uid;
        long gid;
        int linkCount;
        long xattrBlock;
        byte[] xattrBlockContent;
        long blockCount;
        long devMajor;
        long devMinor;
        int flags;
        byte[] data;
        byte[] xattrInline;
        Map<String, Inode> children;

        boolean isDir() {
            return (mode & TYPE_MASK) == S_IFDIR;
        }
    }

    private record Xattr(String name, int index, byte[] value) {
        int entryLength() {
            return ((name.length() + 3) & ~3) + 16;
        }

        int valueLength() {
            return (value.length + 3) & ~3;
        }
    }

    private final BlockFile out;
    private final long maxDiskSize;
    private final long gdBlocks;
    private final List<Inode> inodes = new ArrayList<>();
    private Inode current;
    private String currentName;
    private long dataWritten;
    private long dataMax;

    /** @param maxDiskSize the largest image the descriptor area must be able to describe (tar2ext4 uses 128 GiB) */
    CompactExt4Writer(Path image, long maxDiskSize) throws IOException {
        this.out = new BlockFile(image);
        this.maxDiskSize = (maxDiskSize + BLOCK_SIZE - 1) & ~(long) (BLOCK_SIZE - 1);
        inodes.add(null); // inode 1, the bad-blocks inode, stays empty
        Inode root = makeInode(spec("", 0, S_IFDIR | 0755, null), null);
        root.linkCount++; // the root is its own parent
        while (inodes.size() < INODE_FIRST - 1) {
            inodes.add(null);
        }
        long maxBlocks = (this.maxDiskSize - 1) / BLOCK_SIZE + 1;
        long maxGroups = (maxBlocks - 1) / BLOCKS_PER_GROUP + 1;
        gdBlocks = (maxGroups - 1) / GROUPS_PER_DESCRIPTOR_BLOCK + 1;
        out.seek((1 + gdBlocks) * BLOCK_SIZE);
        create("lost+found", spec("", 0, S_IFDIR | 0700, null));
    }

    static FileSpec spec(String linkName, long size, int mode, Map<String, byte[]> xattrs) {
        return new FileSpec(linkName, size, mode, 0, 0, null, null, null, null, 0, 0, xattrs);
    }

    // ---- the public operations tar2ext4 uses ------------------------------------------------------------------

    /** Creates the missing parent directories of {@code name} like their nearest existing ancestor. */
    void makeParents(String name) throws IOException {
        finishInode();
        String clean = GoPath.clean("/" + name).substring(1);
        String parents = GoPath.split(clean)[0];
        StringBuilder currentPath = new StringBuilder();
        Inode dir = root();
        while (!parents.isEmpty()) {
            int slash = parents.indexOf('/');
            String component = slash >= 0 ? parents.substring(0, slash) : parents;
            parents = slash >= 0 ? parents.substring(slash + 1) : "";
            currentPath.append('/').append(component);
            if (!dir.children.containsKey(component)) {
                create(currentPath.toString(), new FileSpec(
                        "",
                        0,
                        dir.mode,
                        dir.uid,
                        dir.gid,
                        fsTimeToInstant(dir.atime),
                        fsTimeToInstant(dir.ctime),
                        fsTimeToInstant(dir.mtime),
                        fsTimeToInstant(dir.crtime),
                        dir.devMajor,
                        dir.devMinor,
                        new HashMap<>()));
            }
            dir = dir.children.get(component);
            if (dir == null || !dir.isDir()) {
                throw new Ext4Exception(name + ": path not found");
            }
        }
    }

    /** Adds (or updates) a file; a regular file's data must follow through {@link #write}. */
    void create(String name, FileSpec spec) throws IOException {
        finishInode();
        Lookup l = lookup(name, false);
        Inode reuse = null;
        int type = spec.mode() & TYPE_MASK;
        if (l.child != null) {
            if (l.child.isDir()) {
                if (type != S_IFDIR) {
                    throw new Ext4Exception(name + ": cannot replace a directory with a file");
                }
                reuse = l.child;
            } else if (type == S_IFDIR) {
                throw new Ext4Exception(name + ": cannot replace a file with a directory");
            } else if (l.child.linkCount < 2) {
                reuse = l.child;
            }
        } else if (type == S_IFDIR && l.dir.linkCount >= MAX_LINKS) {
            throw new Ext4Exception(name + ": exceeded parent directory maximum link count");
        }
        Inode child;
        try {
            child = makeInode(spec, reuse);
        } catch (Ext4Exception e) {
            throw new Ext4Exception(name + ": " + e.getMessage());
        }
        if (l.child != child) {
            if (l.child != null) {
                l.child.linkCount--;
            }
            l.dir.children.put(l.childName, child);
            child.linkCount++;
            if (child.isDir()) {
                l.dir.linkCount++;
            }
        }
        if ((child.mode & TYPE_MASK) == S_IFREG) {
            startInode(name, child, spec.size());
        }
    }

    /** Adds a hard link (to a file or a symlink itself, as containerd does). */
    void link(String oldName, String newName) throws IOException {
        finishInode();
        Lookup target = lookup(newName, false);
        if (target.child != null && (target.child.isDir() || target.child.linkCount < 2)) {
            throw new Ext4Exception(newName + ": cannot orphan existing file or directory");
        }
        Inode old = lookup(oldName, true).child;
        if (old.isDir()) {
            throw new Ext4Exception(newName + ": link target cannot be a directory: " + oldName);
        }
        if (target.child != old && old.linkCount >= MAX_LINKS) {
            throw new Ext4Exception(newName + ": link target would exceed maximum link count: " + oldName);
        }
        if (target.child != null) {
            target.child.linkCount--;
        }
        old.linkCount++;
        target.dir.children.put(target.childName, old);
    }

    /** What is recorded for a path, as compactext4's Stat reports it (xattrs from the inode and its block). */
    FileSpec stat(String name) throws IOException {
        finishInode();
        Inode node = lookup(name, true).child;
        Map<String, byte[]> xattrs = new HashMap<>();
        if (node.xattrBlockContent != null) {
            readXattrs(node.xattrBlockContent, 32, xattrs, 32);
        }
        if (node.xattrInline != null) {
            readXattrs(node.xattrInline, 4, xattrs, 0);
            xattrs.remove("system.data");
        }
        String link = "";
        if ((node.mode & TYPE_MASK) == S_IFLNK) {
            if (node.size > SMALL_SYMLINK_SIZE) {
                throw new Ext4Exception(name + ": cannot retrieve link information");
            }
            link = new String(node.data, StandardCharsets.ISO_8859_1);
        }
        return new FileSpec(
                link,
                node.size,
                node.mode,
                node.uid,
                node.gid,
                fsTimeToInstant(node.atime),
                fsTimeToInstant(node.ctime),
                fsTimeToInstant(node.mtime),
                fsTimeToInstant(node.crtime),
                node.devMajor,
                node.devMinor,
                xattrs);
    }

    /** Streams the data of the regular file created last. */
    void write(InputStream data) throws IOException {
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = data.read(buffer)) > 0) {
            write(buffer, 0, n);
        }
    }

    void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        if (dataWritten + len > dataMax) {
            throw new Ext4Exception(currentName + ": wrote too much: " + (dataWritten + len) + " > " + dataMax);
        }
        checkSize(len);
        out.write(b, off, len);
        dataWritten += len;
    }

    /** Releases the file; an image is complete only after {@link #finish}. */
    @Override
    public void close() throws IOException {
        out.close();
    }

    // ---- inodes ---------------------------------------------------------------------------------------------

    private Inode makeInode(FileSpec f, Inode node) throws IOException {
        int mode = f.mode() & 0xffff;
        if ((mode & TYPE_MASK) == 0) {
            mode |= S_IFREG;
        }
        int type = mode & TYPE_MASK;
        if (node == null) {
            node = new Inode();
            node.number = inodes.size() + 1;
            if (type == S_IFDIR) {
                node.children = new HashMap<>();
                node.linkCount = 1; // a directory is linked to itself
            }
        } else if ((node.flags & FLAG_EXTENTS) != 0) {
            // Blocks are never freed or reused, so data already written cannot be replaced.
            throw new Ext4Exception("cannot overwrite file with non-inline data");
        }
        node.mode = mode;
        node.uid = f.uid();
        node.gid = f.gid();
        node.flags = FLAG_HUGE_FILE;
        node.atime = fsTime(f.atime());
        node.ctime = fsTime(f.ctime());
        node.mtime = fsTime(f.mtime());
        node.crtime = fsTime(f.crtime());
        node.devMajor = f.devMajor();
        node.devMinor = f.devMinor();
        node.data = null;
        Map<String, byte[]> xattrs = f.xattrs() == null ? new HashMap<>() : new HashMap<>(f.xattrs());
        Map<String, byte[]> existing = new HashMap<>();
        if (node.xattrInline != null) {
            readXattrs(node.xattrInline, 4, existing, 0);
        }
        node.xattrInline = null;

        long size = 0;
        switch (type) {
            case S_IFREG -> {
                size = f.size();
                if (size > MAX_FILE_SIZE) {
                    throw new Ext4Exception("file too big: " + size + " > " + MAX_FILE_SIZE);
                }
            }
            case S_IFLNK -> {
                node.mode |= 0777; // symlinks appear as rwx for all
                byte[] target = f.linkName().getBytes(StandardCharsets.ISO_8859_1);
                size = target.length;
                if (size <= SMALL_SYMLINK_SIZE) {
                    node.data = target; // kept in the inode's block area, without the inline-data flag
                }
            }
            case S_IFDIR, S_IFIFO, S_IFSOCK, S_IFCHR, S_IFBLK -> {}
            default -> throw new Ext4Exception("invalid mode " + Integer.toOctalString(mode));
        }
        existing.forEach(xattrs::putIfAbsent);

        List<String> names = new ArrayList<>(xattrs.keySet());
        names.sort(CompactExt4Writer::compareBytes);
        List<Xattr> inline = new ArrayList<>();
        List<Xattr> block = new ArrayList<>();
        int inlineLeft = INODE_EXTRA_SIZE - 8;
        int blockLeft = BLOCK_SIZE - 36;
        for (String name : names) {
            Xattr x = compress(name, xattrs.get(name));
            int length = x.entryLength() + x.valueLength();
            if (inlineLeft >= length) {
                inline.add(x);
                inlineLeft -= length;
            } else if (blockLeft >= length) {
                block.add(x);
                blockLeft -= length;
            } else {
                throw new Ext4Exception("could not fit xattr " + name);
            }
        }
        writeXattrs(node, inline, block);

        node.size = size;
        if (type == S_IFLNK && size > SMALL_SYMLINK_SIZE) {
            startInode("", node, size);
            byte[] target = f.linkName().getBytes(StandardCharsets.ISO_8859_1);
            write(target, 0, target.length);
            finishInode();
        }
        if (node.number - 1 >= inodes.size()) {
            inodes.add(node);
        }
        return node;
    }

    private void writeXattrs(Inode node, List<Xattr> inline, List<Xattr> block) throws IOException {
        if (!inline.isEmpty()) {
            node.xattrInline = new byte[INODE_EXTRA_SIZE];
            le(node.xattrInline).putInt(0, XATTR_MAGIC);
            putXattrs(inline, node.xattrInline, 4, INODE_EXTRA_SIZE - 4, 0);
        }
        // A block once given is rewritten in place, even when nothing is left in it.
        if (!block.isEmpty() || node.xattrBlock != 0) {
            insertionSort(block, CompactExt4Writer::xattrBlockLess);
            byte[] b = new byte[BLOCK_SIZE];
            ByteBuffer bb = le(b);
            bb.putInt(0, XATTR_MAGIC);
            bb.putInt(4, 1); // reference count
            bb.putInt(8, 1); // blocks
            putXattrs(block, b, 32, BLOCK_SIZE - 32, 32);
            node.xattrBlockContent = b;
            long orig = out.position();
            if (node.xattrBlock == 0) {
                node.xattrBlock = orig / BLOCK_SIZE;
                node.blockCount++;
                checkSize(BLOCK_SIZE);
                out.write(b, 0, BLOCK_SIZE);
            } else {
                out.seek(node.xattrBlock * BLOCK_SIZE);
                out.write(b, 0, BLOCK_SIZE);
                out.seek(orig);
            }
        }
    }

    /**
     * compactext4 sorts block xattrs with sort.Slice and a comparison that is not a strict order (index, or
     * shorter name, or smaller name); for the handful of entries a block holds Go sorts by insertion, so the same
     * insertion sort with the same comparison gives the same order.
     */
    private static boolean xattrBlockLess(Xattr a, Xattr b) {
        return a.index < b.index || a.name.length() < b.name.length() || a.name.compareTo(b.name) < 0;
    }

    private interface Less<T> {
        boolean less(T a, T b);
    }

    private static <T> void insertionSort(List<T> list, Less<T> less) {
        for (int i = 1; i < list.size(); i++) {
            for (int j = i; j > 0 && less.less(list.get(j), list.get(j - 1)); j--) {
                T t = list.get(j);
                list.set(j, list.get(j - 1));
                list.set(j - 1, t);
            }
        }
    }

    private static final String[][] XATTR_PREFIXES = {
        {"2", "system.posix_acl_access"},
        {"3", "system.posix_acl_default"},
        {"8", "system.richacl"},
        {"7", "system."},
        {"1", "user."},
        {"4", "trusted."},
        {"6", "security."},
    };

    private static Xattr compress(String name, byte[] value) {
        for (String[] p : XATTR_PREFIXES) {
            if (name.startsWith(p[1])) {
                return new Xattr(name.substring(p[1].length()), Integer.parseInt(p[0]), value);
            }
        }
        return new Xattr(name, 0, value);
    }

    private static String decompress(int index, String name) {
        for (String[] p : XATTR_PREFIXES) {
            if (index == Integer.parseInt(p[0])) {
                return p[1] + name;
            }
        }
        return name;
    }

    /** Entries from the front of the area, values packed from its end; offsets are relative to {@code delta}. */
    private static void putXattrs(List<Xattr> xattrs, byte[] buf, int start, int length, int delta) {
        ByteBuffer bb = le(buf);
        int offset = length + delta;
        int entry = start;
        int valueEnd = start + length;
        for (Xattr x : xattrs) {
            int vl = x.valueLength();
            offset -= vl;
            buf[entry] = (byte) x.name.length();
            buf[entry + 1] = (byte) x.index;
            bb.putShort(entry + 2, (short) offset);
            bb.putInt(entry + 8, x.value.length);
            bb.putInt(entry + 12, xattrHash(x.name, x.value));
            byte[] nameBytes = x.name.getBytes(StandardCharsets.ISO_8859_1);
            System.arraycopy(nameBytes, 0, buf, entry + 16, nameBytes.length);
            entry += x.entryLength();
            System.arraycopy(x.value, 0, buf, valueEnd - vl, x.value.length);
            Arrays.fill(buf, valueEnd - vl + x.value.length, valueEnd, (byte) 0);
            valueEnd -= vl;
        }
    }

    private static void readXattrs(byte[] buf, int start, Map<String, byte[]> into, int delta) {
        ByteBuffer bb = le(buf);
        int entry = start;
        while (entry < buf.length) {
            int nameLength = buf[entry] & 0xff;
            if (nameLength == 0) {
                break;
            }
            int index = buf[entry + 1] & 0xff;
            int offset = (bb.getShort(entry + 2) & 0xffff) - delta;
            int valueLength = bb.getInt(entry + 8);
            String name = new String(buf, entry + 16, nameLength, StandardCharsets.ISO_8859_1);
            into.put(decompress(index, name), Arrays.copyOfRange(buf, start + offset, start + offset + valueLength));
            entry += ((nameLength + 3) & ~3) + 16;
        }
    }

    static int xattrHash(String name, byte[] value) {
        int hash = 0;
        for (int i = 0; i < name.length(); i++) {
            hash = (hash << 5) ^ (hash >>> 27) ^ (name.charAt(i) & 0xff);
        }
        ByteBuffer v = le(value);
        int i = 0;
        for (; i + 3 < value.length; i += 4) {
            hash = (hash << 16) ^ (hash >>> 16) ^ v.getInt(i);
        }
        if (value.length % 4 != 0) {
            byte[] last = new byte[4];
            System.arraycopy(value, value.length & ~3, last, 0, value.length % 4);
            hash = (hash << 16) ^ (hash >>> 16) ^ le(last).getInt(0);
        }
        return hash;
    }

    // ---- data and extents -----------------------------------------------------------------------------------

    private void startInode(String name, Inode node, long size) {
        if (current != null) {
            throw new IllegalStateException("inode already in progress");
        }
        currentName = name;
        current = node;
        dataWritten = 0;
        dataMax = size;
    }

    private void finishInode() throws IOException {
        if (current == null) {
            return;
        }
        if (dataWritten != dataMax) {
            throw new Ext4Exception(currentName + ": did not write the right amount: " + dataWritten + " != " + dataMax);
        }
        if (dataMax != 0) {
            writeExtents(current);
        }
        dataWritten = 0;
        dataMax = 0;
        current = null;
    }

    private void nextBlock() throws IOException {
        long pos = out.position();
        if (pos % BLOCK_SIZE != 0) {
            zero(BLOCK_SIZE - pos % BLOCK_SIZE);
        }
    }

    private void writeExtents(Inode node) throws IOException {
        long start = out.position() - dataWritten;
        if (start % BLOCK_SIZE != 0) {
            throw new IllegalStateException("unaligned file data");
        }
        nextBlock();
        long startBlock = start / BLOCK_SIZE;
        long blocks = out.position() / BLOCK_SIZE - startBlock;
        long usedBlocks = blocks;
        final int extentsPerBlock = BLOCK_SIZE / 12 - 1;
        long extents = (blocks + MAX_BLOCKS_PER_EXTENT - 1) / MAX_BLOCKS_PER_EXTENT;
        byte[] root = new byte[60];
        if (extents == 0) {
            root = new byte[0];
        } else if (extents <= 4) {
            fillExtents(root, 0, (int) extents, 4, startBlock, 0, blocks);
        } else if (extents <= 4L * extentsPerBlock) {
            long extentBlocks = extents / extentsPerBlock + 1;
            usedBlocks += extentBlocks;
            ByteBuffer r = le(root);
            r.putShort(0, (short) 0xF30A);
            r.putShort(2, (short) extentBlocks);
            r.putShort(4, (short) 4);
            r.putShort(6, (short) 1);
            for (int i = 0; i < extentBlocks; i++) {
                r.putInt(12 + i * 12, i * extentsPerBlock * MAX_BLOCKS_PER_EXTENT);
                r.putInt(12 + i * 12 + 4, (int) (out.position() / BLOCK_SIZE));
                // compactext4 computes the count with extentBlocks where extentsPerBlock is meant; kept as is.
                long inBlock = Math.min(extents - i * extentBlocks, extentsPerBlock);
                long offset = (long) i * extentsPerBlock * MAX_BLOCKS_PER_EXTENT;
                byte[] leaf = new byte[BLOCK_SIZE];
                fillExtents(leaf, 0, (int) inBlock, extentsPerBlock, startBlock + offset, offset, blocks);
                checkSize(BLOCK_SIZE);
                out.write(leaf, 0, BLOCK_SIZE);
            }
        } else {
            throw new Ext4Exception("file too big");
        }
        node.data = root;
        node.flags |= FLAG_EXTENTS;
        node.blockCount += usedBlocks;
    }

    private static void fillExtents(
            byte[] buf, int at, int count, int max, long startBlock, long offset, long inodeBlocks) {
        ByteBuffer b = le(buf);
        b.putShort(at, (short) 0xF30A);
        b.putShort(at + 2, (short) count);
        b.putShort(at + 4, (short) max);
        b.putShort(at + 6, (short) 0);
        for (int i = 0; i < count; i++) {
            long block = offset + (long) i * MAX_BLOCKS_PER_EXTENT;
            long length = Math.min(inodeBlocks - block, MAX_BLOCKS_PER_EXTENT);
            int e = at + 12 + i * 12;
            b.putInt(e, (int) block);
            b.putShort(e + 4, (short) length);
            b.putShort(e + 6, (short) 0);
            b.putInt(e + 8, (int) (startBlock + block));
        }
    }

    // ---- directories, tables, superblock --------------------------------------------------------------------

    private void writeDirectory(Inode dir, Inode parent) throws IOException {
        finishInode();
        startInode("", dir, Long.MAX_VALUE);
        DirBlock block = new DirBlock();
        writeEntry(block, dir.number, ".");
        writeEntry(block, parent.number, "..");
        for (Map.Entry<String, Inode> child : sortedChildren(dir)) {
            writeEntry(block, child.getValue().number, child.getKey());
        }
        finishDirBlock(block);
        current.size = dataWritten;
        dataMax = dataWritten;
    }

    private static final class DirBlock {
        int left = BLOCK_SIZE;
    }

    private void writeEntry(DirBlock block, int inode, String name) throws IOException {
        int rlb = DIRENT_SIZE + name.length();
        int rl = (rlb + 3) & ~3;
        if (block.left < rl + 12) {
            finishDirBlock(block);
        }
        byte[] e = new byte[rl];
        ByteBuffer b = le(e);
        b.putInt(0, inode);
        b.putShort(4, (short) rl);
        e[6] = (byte) name.length();
        e[7] = (byte) fileType(inodes.get(inode - 1).mode);
        byte[] nameBytes = name.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(nameBytes, 0, e, DIRENT_SIZE, nameBytes.length);
        write(e, 0, rl);
        block.left -= rl;
    }

    private void finishDirBlock(DirBlock block) throws IOException {
        if (block.left > 0) {
            byte[] e = new byte[block.left];
            le(e).putShort(4, (short) block.left);
            write(e, 0, e.length);
        }
        block.left = BLOCK_SIZE;
    }

    /** e2fsck's convention: children in inode-number order (hard links to one inode by name). */
    private static List<Map.Entry<String, Inode>> sortedChildren(Inode dir) {
        List<Map.Entry<String, Inode>> children = new ArrayList<>(dir.children.entrySet());
        children.sort(Comparator.<Map.Entry<String, Inode>>comparingInt(e -> e.getValue().number)
                .thenComparing(Map.Entry::getKey));
        return children;
    }

    private void writeDirectoryRecursive(Inode dir, Inode parent) throws IOException {
        writeDirectory(dir, parent);
        for (Map.Entry<String, Inode> child : sortedChildren(dir)) {
            if (child.getValue().isDir()) {
                writeDirectoryRecursive(child.getValue(), dir);
            }
        }
    }

    private static int fileType(int mode) {
        return switch (mode & TYPE_MASK) {
            case S_IFREG -> 1;
            case S_IFDIR -> 2;
            case S_IFCHR -> 3;
            case S_IFBLK -> 4;
            case S_IFIFO -> 5;
            case S_IFSOCK -> 6;
            case S_IFLNK -> 7;
            default -> 0;
        };
    }

    private void writeInodeTable(long tableSize) throws IOException {
        byte[] b = new byte[INODE_SIZE];
        for (Inode node : inodes) {
            Arrays.fill(b, (byte) 0);
            if (node != null) {
                ByteBuffer bb = le(b);
                bb.putShort(0, (short) node.mode);
                bb.putShort(2, (short) node.uid);
                bb.putInt(4, (int) node.size);
                bb.putInt(8, (int) node.atime);
                bb.putInt(12, (int) node.ctime);
                bb.putInt(16, (int) node.mtime);
                bb.putShort(24, (short) node.gid);
                bb.putShort(26, (short) node.linkCount);
                bb.putInt(28, (int) node.blockCount);
                bb.putInt(32, node.flags);
                switch (node.mode & TYPE_MASK) {
                    case S_IFDIR, S_IFREG, S_IFLNK -> {
                        if (node.data != null) {
                            System.arraycopy(node.data, 0, b, 40, Math.min(60, node.data.length));
                        }
                    }
                    case S_IFBLK, S_IFCHR -> {
                        long dev = (node.devMinor & 0xff) | (node.devMajor << 8) | ((node.devMinor & 0xffffff00L) << 12);
                        bb.putInt(44, (int) dev);
                    }
                    default -> {}
                }
                bb.putInt(104, (int) node.xattrBlock);
                bb.putInt(108, (int) (node.size >>> 32));
                bb.putShort(120, (short) (node.uid >>> 16));
                bb.putShort(122, (short) (node.gid >>> 16));
                bb.putShort(128, (short) (INODE_USED_SIZE - 128));
                bb.putInt(132, (int) (node.ctime >>> 32));
                bb.putInt(136, (int) (node.mtime >>> 32));
                bb.putInt(140, (int) (node.atime >>> 32));
                bb.putInt(144, (int) node.crtime);
                bb.putInt(148, (int) (node.crtime >>> 32));
                if (node.xattrInline != null) {
                    System.arraycopy(node.xattrInline, 0, b, INODE_USED_SIZE, node.xattrInline.length);
                }
            }
            checkSize(INODE_SIZE);
            out.write(b, 0, INODE_SIZE);
        }
        zero(tableSize - (long) inodes.size() * INODE_SIZE);
    }

    private static long groupCount(long blocks, long inodeCount, long inodesPerGroup) {
        long inodeBlocksPerGroup = inodesPerGroup * INODE_SIZE / BLOCK_SIZE;
        long dataBlocksPerGroup = BLOCKS_PER_GROUP - inodeBlocksPerGroup - 2; // room for the two bitmaps
        long minBlocks = (inodeCount - 1) / inodesPerGroup * dataBlocksPerGroup + 1;
        blocks = Math.max(blocks, minBlocks);
        return (blocks + dataBlocksPerGroup - 1) / dataBlocksPerGroup;
    }

    /** Writes the directories, inode table, bitmaps, group descriptors and superblock: the image is complete. */
    void finish() throws IOException {
        finishInode();
        Inode root = root();
        writeDirectoryRecursive(root, root);
        finishInode();

        long inodeTableOffset = out.position() / BLOCK_SIZE;
        long groups = 0xffffffffL;
        long inodesPerGroup = 0;
        for (long ipg = INODES_PER_GROUP_INCREMENT; ipg <= MAX_INODES_PER_GROUP; ipg += INODES_PER_GROUP_INCREMENT) {
            long g = groupCount(inodeTableOffset, inodes.size(), ipg);
            if (g < groups) {
                groups = g;
                inodesPerGroup = ipg;
            }
        }
        writeInodeTable(groups * inodesPerGroup * INODE_SIZE);

        long bitmapOffset = out.position() / BLOCK_SIZE;
        long bitmapSize = groups * 2;
        long validDataSize = bitmapOffset + bitmapSize;
        long diskSize = Math.max(validDataSize, (groups - 1) * BLOCKS_PER_GROUP + 1);
        long usedGdBlocks = (groups - 1) / GROUPS_PER_DESCRIPTOR_BLOCK + 1;
        if (usedGdBlocks > gdBlocks) {
            throw new Ext4Exception("disk exceeded maximum size of " + maxDiskSize + " bytes");
        }
        ByteBuffer gds = le(new byte[(int) (gdBlocks * BLOCK_SIZE)]);
        long inodeTableBlocksPerGroup = inodesPerGroup * INODE_SIZE / BLOCK_SIZE;
        long totalUsedBlocks = 0;
        long totalUsedInodes = 0;
        for (long g = 0; g < groups; g++) {
            byte[] b = new byte[BLOCK_SIZE * 2];
            int dirCount = 0;
            int usedInodes = 0;
            int usedBlocks = 0;
            if ((g + 1) * BLOCKS_PER_GROUP <= validDataSize) {
                Arrays.fill(b, 0, BLOCK_SIZE, (byte) 0xff);
                usedBlocks = BLOCKS_PER_GROUP;
            } else if (g * BLOCKS_PER_GROUP < validDataSize) {
                for (long j = 0; j < validDataSize - g * BLOCKS_PER_GROUP; j++) {
                    b[(int) (j / 8)] |= (byte) (1 << (j % 8));
                    usedBlocks++;
                }
            }
            if (g == 0) {
                // Descriptor blocks reserved for a larger disk but unused are free.
                for (long j = 1 + usedGdBlocks; j < 1 + gdBlocks; j++) {
                    b[(int) (j / 8)] &= (byte) ~(1 << (j % 8));
                    usedBlocks--;
                }
            }
            if (g == groups - 1 && diskSize % BLOCKS_PER_GROUP != 0) {
                // Blocks past the end of the disk count as allocated.
                for (long j = diskSize % BLOCKS_PER_GROUP; j < BLOCKS_PER_GROUP; j++) {
                    b[(int) (j / 8)] |= (byte) (1 << (j % 8));
                    usedBlocks++;
                }
            }
            for (long j = 0; j < inodesPerGroup; j++) {
                long ino = 1 + g * inodesPerGroup + j;
                Inode node = ino <= inodes.size() ? inodes.get((int) (ino - 1)) : null;
                if (ino < INODE_FIRST || node != null) {
                    b[(int) (BLOCK_SIZE + j / 8)] |= (byte) (1 << (j % 8));
                    usedInodes++;
                }
                if (node != null && node.isDir()) {
                    dirCount++;
                }
            }
            checkSize(b.length);
            out.write(b, 0, b.length);
            int gd = (int) (g * 32);
            gds.putInt(gd, (int) (bitmapOffset + 2 * g));
            gds.putInt(gd + 4, (int) (bitmapOffset + 2 * g + 1));
            gds.putInt(gd + 8, (int) (inodeTableOffset + g * inodeTableBlocksPerGroup));
            gds.putShort(gd + 12, (short) (BLOCKS_PER_GROUP - (usedBlocks & 0xffff)));
            gds.putShort(gd + 14, (short) (inodesPerGroup - (usedInodes & 0xffff)));
            gds.putShort(gd + 16, (short) dirCount);
            totalUsedBlocks += usedBlocks & 0xffff;
            totalUsedInodes += usedInodes & 0xffff;
        }
        zero((diskSize - bitmapOffset - bitmapSize) * BLOCK_SIZE);

        out.seek(BLOCK_SIZE);
        out.write(gds.array(), 0, gds.capacity());

        byte[] blk = new byte[BLOCK_SIZE];
        ByteBuffer sb = le(blk);
        int s = 1024;
        sb.putInt(s, (int) (inodesPerGroup * groups));
        sb.putInt(s + 4, (int) diskSize);
        sb.putInt(s + 12, (int) (BLOCKS_PER_GROUP * groups - totalUsedBlocks));
        sb.putInt(s + 16, (int) (inodesPerGroup * groups - totalUsedInodes));
        sb.putInt(s + 24, 2); // 4096-byte blocks
        sb.putInt(s + 28, 2);
        sb.putInt(s + 32, BLOCKS_PER_GROUP);
        sb.putInt(s + 36, BLOCKS_PER_GROUP);
        sb.putInt(s + 40, (int) inodesPerGroup);
        sb.putShort(s + 56, (short) 0xEF53);
        sb.putShort(s + 58, (short) 1); // cleanly unmounted
        sb.putShort(s + 60, (short) 1); // continue on errors
        sb.putInt(s + 76, 1); // dynamic inode sizes
        sb.putInt(s + 84, INODE_FIRST);
        sb.putShort(s + 88, (short) INODE_SIZE);
        sb.putInt(s + 92, 0x200 | 0x8); // sparse_super2, ext_attr
        sb.putInt(s + 96, 0x2 | 0x40 | 0x200); // filetype, extents, flex_bg
        sb.putInt(s + 100, 0x2 | 0x8 | 0x40 | 0x1000); // large_file, huge_file, extra_isize, read-only
        sb.putShort(s + 348, (short) (INODE_USED_SIZE - 128));
        sb.putShort(s + 350, (short) (INODE_USED_SIZE - 128));
        blk[s + 372] = 31; // log groups per flex
        sb.putInt(s + 616, INODE_FIRST); // lost+found
        out.seek(0);
        out.write(blk, 0, BLOCK_SIZE);
        out.seek(diskSize * BLOCK_SIZE);
        out.truncateHere();
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private Inode root() {
        return inodes.get(1);
    }

    private record Lookup(Inode dir, Inode child, String childName) {}

    private Lookup lookup(String name, boolean mustExist) {
        Inode root = root();
        String clean = GoPath.clean("/" + name).substring(1);
        if (clean.isEmpty()) {
            return new Lookup(root, root, "");
        }
        String[] split = GoPath.split(clean);
        String childName = split[1];
        if (childName.isEmpty() || childName.length() > 0xff) {
            throw new Ext4Exception(name + ": invalid name");
        }
        Inode dir = root;
        String p = split[0];
        while (dir != null && !p.isEmpty()) {
            int slash = p.indexOf('/');
            String component = slash >= 0 ? p.substring(0, slash) : p;
            p = slash >= 0 ? p.substring(slash + 1) : "";
            dir = dir.children == null ? null : dir.children.get(component);
        }
        if (dir == null || !dir.isDir()) {
            throw new Ext4Exception(name + ": path not found");
        }
        Inode child = dir.children.get(childName);
        if (child == null && mustExist) {
            throw new Ext4Exception(name + ": file not found");
        }
        return new Lookup(dir, child, childName);
    }

    /** Go's time as compactext4 stores it: seconds (clamped) in the low 34 bits, nanoseconds above. */
    static long fsTime(Instant t) {
        if (t == null) {
            return 0;
        }
        long s = t.getEpochSecond();
        if (s < -0x80000000L) {
            return 0x80000000L;
        }
        if (s > 0x37fffffffL) {
            return 0x37fffffffL;
        }
        return s | ((long) t.getNano() << 34);
    }

    static Instant fsTimeToInstant(long t) {
        if (t == 0) {
            return null;
        }
        long s = t & 0x3ffffffffL;
        if (s > 0x7fffffffL && s < 0x100000000L) {
            s = (int) s;
        }
        return Instant.ofEpochSecond(s, t >>> 34);
    }

    private void checkSize(long n) {
        if (out.position() + n > maxDiskSize) {
            throw new Ext4Exception("disk exceeded maximum size of " + maxDiskSize + " bytes");
        }
    }

    private void zero(long n) throws IOException {
        checkSize(n);
        out.zero(n);
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int compareBytes(String a, String b) {
        return a.compareTo(b); // ISO-8859-1 strings: char order is byte order
    }

    /** The layer cannot be turned into an image, for the reason compactext4 would give. */
    static final class Ext4Exception extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Ext4Exception(String message) {
            super(message);
        }
    }

    /** A random-access file with one write buffer and a tracked position. */
    private static final class BlockFile implements Closeable {
        private final RandomAccessFile file;
        private final byte[] buffer = new byte[1 << 19];
        private int buffered;
        private long position;

        BlockFile(Path path) throws IOException {
            this.file = new RandomAccessFile(path.toFile(), "rw");
            file.setLength(0);
        }

        long position() {
            return position;
        }

        void write(byte[] b, int off, int len) throws IOException {
            if (len >= buffer.length) {
                flush();
                file.write(b, off, len);
            } else {
                if (buffered + len > buffer.length) {
                    flush();
                }
                System.arraycopy(b, off, buffer, buffered, len);
                buffered += len;
            }
            position += len;
        }

        void zero(long n) throws IOException {
            byte[] zeros = new byte[(int) Math.min(n, 1 << 16)];
            while (n > 0) {
                int chunk = (int) Math.min(n, zeros.length);
                write(zeros, 0, chunk);
                n -= chunk;
            }
        }

        void seek(long to) throws IOException {
            flush();
            file.seek(to);
            position = to;
        }

        void truncateHere() throws IOException {
            flush();
            if (file.length() < position) {
                file.setLength(position);
            }
        }

        private void flush() throws IOException {
            if (buffered > 0) {
                file.write(buffer, 0, buffered);
                buffered = 0;
            }
        }

        @Override
        public void close() throws IOException {
            flush();
            file.close();
        }
    }
}
