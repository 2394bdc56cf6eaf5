// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.cbor;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subset of CBOR (RFC 8949) that attestation documents use: integers, byte and text strings, arrays, maps,
 * tags, true/false/null. Definite lengths only, as COSE requires for signed structures. Byte strings come back as
 * the exact bytes received, which is what a signature is checked over.
 */
public final class Cbor {
    private static final int MAX_DEPTH = 16;
    private final byte[] in;
    private int pos;

    private Cbor(byte[] in) {
        this.in = in;
    }

    /** A tagged item, e.g. COSE_Sign1's tag 18. */
    public record Tagged(long tag, Object item) {}

    /** Decodes one item that must span the whole input. */
    public static Object decode(byte[] bytes) throws CborException {
        Cbor c = new Cbor(bytes);
        Object item = c.item(0);
        if (c.pos != bytes.length) {
            throw new CborException((bytes.length - c.pos) + " bytes after the CBOR item");
        }
        return item;
    }

    private Object item(int depth) throws CborException {
        if (depth > MAX_DEPTH) {
            throw new CborException("nested deeper than " + MAX_DEPTH);
        }
        int initial = u8();
        int major = initial >>> 5;
        int info = initial & 0x1f;
        if (major == 7) {
            return switch (info) {
                case 20 -> Boolean.FALSE;
                case 21 -> Boolean.TRUE;
                case 22, 23 -> null;
                default -> throw new CborException("unsupported simple value or float " + info);
            };
        }
        long arg = argument(info);
        return switch (major) {
            case 0 -> arg;
            case 1 -> -1 - arg;
            case 2 -> bytes(arg);
            case 3 -> new String(bytes(arg), StandardCharsets.UTF_8);
            case 4 -> {
                List<Object> list = new ArrayList<>();
                long n = count(arg);
                for (long i = 0; i < n; i++) {
                    list.add(item(depth + 1));
                }
                yield list;
            }
            case 5 -> {
                Map<Object, Object> map = new LinkedHashMap<>();
                long n = count(arg);
                for (long i = 0; i < n; i++) {
                    Object key = item(depth + 1);
                    if (key instanceof byte[]) {
                        throw new CborException("byte-string map keys are not supported");
                    }
                    if (map.put(key, item(depth + 1)) != null) {
                        throw new CborException("duplicate map key " + key);
                    }
                }
                yield map;
            }
            case 6 -> new Tagged(arg, item(depth + 1));
            default -> throw new CborException("unknown major type " + major);
        };
    }

    private long argument(int info) throws CborException {
        if (info < 24) {
            return info;
        }
        int size = switch (info) {
            case 24 -> 1;
            case 25 -> 2;
            case 26 -> 4;
            case 27 -> 8;
            default -> throw new CborException("indefinite lengths are not allowed here");
        };
        long value = 0;
        for (int i = 0; i < size; i++) {
            value = (value << 8) | u8();
        }
        if (value < 0) {
            throw new CborException("integer beyond 2^63");
        }
        return value;
    }

    private long count(long n) throws CborException {
        // Every element takes at least one byte: a larger count is a lie that would make us allocate forever.
        if (n > in.length - pos) {
            throw new CborException("length " + n + " exceeds the remaining input");
        }
        return n;
    }

    private byte[] bytes(long n) throws CborException {
        count(n);
        byte[] out = new byte[(int) n];
        System.arraycopy(in, pos, out, 0, (int) n);
        pos += (int) n;
        return out;
    }

    private int u8() throws CborException {
        if (pos >= in.length) {
            throw new CborException("truncated");
        }
        return in[pos++] & 0xff;
    }

    /**
     * Encodes the shapes OpenCCM writes (COSE structures, test documents): text, bytes, arrays, maps, integers,
     * booleans, null and tagged items.
     */
    public static byte[] encode(Object item) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, item);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Object item) {
        if (item == null) {
            out.write(0xf6);
        } else if (item instanceof Boolean b) {
            out.write(b ? 0xf5 : 0xf4);
        } else if (item instanceof Tagged t) {
            head(out, 6, t.tag());
            write(out, t.item());
        } else if (item instanceof byte[] b) {
            head(out, 2, b.length);
            out.writeBytes(b);
        } else if (item instanceof String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            head(out, 3, b.length);
            out.writeBytes(b);
        } else if (item instanceof List<?> list) {
            head(out, 4, list.size());
            list.forEach(e -> write(out, e));
        } else if (item instanceof Map<?, ?> map) {
            head(out, 5, map.size());
            map.forEach((k, v) -> {
                write(out, k);
                write(out, v);
            });
        } else if (item instanceof Long n) {
            if (n >= 0) {
                head(out, 0, n);
            } else {
                head(out, 1, -1 - n);
            }
        } else if (item instanceof Integer n) {
            write(out, n.longValue());
        } else {
            throw new IllegalArgumentException("cannot encode " + item);
        }
    }

    private static void head(ByteArrayOutputStream out, int major, long n) {
        int m = major << 5;
        if (n < 24) {
            out.write(m | (int) n);
        } else if (n < 0x100) {
            out.write(m | 24);
            out.write((int) n);
        } else if (n < 0x10000) {
            out.write(m | 25);
            out.write((int) (n >>> 8));
            out.write((int) n);
        } else if (n < 0x100000000L) {
            out.write(m | 26);
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write((int) (n >>> shift));
            }
        } else {
            out.write(m | 27);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (n >>> shift));
            }
        }
    }
}
