package dev.berth.scan.builtin;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Reads one column of one rowid table from an SQLite 3 database file held in memory, by walking
 * its B-tree as the file format document describes it (sqlite.org/fileformat2.html): the schema
 * table on page 1 gives the table's root page, interior pages point to their children, leaf cells
 * hold records, and a record larger than a page continues on a chain of overflow pages.
 *
 * <p>An image's {@code rpmdb.sqlite} is untrusted input, so no SQLite engine opens it: this reader
 * only reads, checks every offset against the page it is on, visits no page twice (a cycle ends
 * the walk with an error), and stops at a limit of rows and of bytes per value. What does not fit
 * the format is an {@link IllegalArgumentException} saying where.
 */
final class SqliteTable {
    static final int MAX_ROWS = 200_000;
    static final int MAX_VALUE = 64 * 1024 * 1024;
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private final byte[] db;
    private final int pageSize;
    private final int usable;
    private final int pages;

    SqliteTable(byte[] db) {
        this.db = db;
        if (db.length < 100 || !java.util.Arrays.equals(db, 0, 16, MAGIC, 0, 16)) {
            throw new IllegalArgumentException("not an SQLite 3 database");
        }
        int ps = u16(16);
        pageSize = ps == 1 ? 65536 : ps;
        if (pageSize < 512 || pageSize > 65536 || Integer.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("page size " + ps + " is not one SQLite uses");
        }
        usable = pageSize - (db[20] & 0xff);
        if (usable < 480) {
            throw new IllegalArgumentException("usable page size " + usable + " is too small");
        }
        if (u32(56) != 1 && u32(56) != 0) {
            throw new IllegalArgumentException("text encoding " + u32(56) + " is not UTF-8");
        }
        pages = db.length / pageSize;
    }

    /**
     * The {@code column}th column (0-based) of every row of table {@code table}, as bytes; a row
     * whose column is not a blob or text is skipped.
     */
    List<byte[]> column(String table, int column) {
        long root = -1;
        for (List<Object> row : rows(1, Integer.MAX_VALUE)) {
            if (row.size() >= 4
                    && "table".equals(text(row.get(0)))
                    && table.equals(text(row.get(1)))
                    && row.get(3) instanceof Long r) {
                root = r;
            }
        }
        if (root < 1) {
            throw new IllegalArgumentException("no table " + table);
        }
        List<byte[]> out = new ArrayList<>();
        for (List<Object> row : rows(root, column)) {
            if (row.size() > column && row.get(column) instanceof byte[] b) {
                out.add(b);
            }
        }
        return out;
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : null;
    }

    /** The records of the table rooted at {@code root}, decoded up to column {@code lastColumn}. */
    private List<List<Object>> rows(long root, int lastColumn) {
        List<List<Object>> out = new ArrayList<>();
        BitSet seen = new BitSet();
        ArrayList<Long> stack = new ArrayList<>();
        stack.add(root);
        while (!stack.isEmpty()) {
            long page = stack.removeLast();
            int base = page(page, seen);
            int header = page == 1 ? 100 : 0;
            int type = db[base + header] & 0xff;
            int cells = u16(base + header + 3);
            boolean interior = type == 0x05;
            if (!interior && type != 0x0d) {
                throw new IllegalArgumentException("page " + page + " is not a table page (type " + type + ")");
            }
            int pointers = base + header + (interior ? 12 : 8);
            if (pointers + 2L * cells > base + usable) {
                throw new IllegalArgumentException("page " + page + " claims " + cells + " cells");
            }
            if (interior) {
                // Right-most child last, so children are visited left to right (rowid order).
                stack.add(Integer.toUnsignedLong(u32(base + header + 8)));
                for (int i = cells - 1; i >= 0; i--) {
                    int cell = cellOffset(base, pointers, i, page);
                    need(cell, 4, base, page);
                    stack.add(Integer.toUnsignedLong(u32(cell)));
                }
                continue;
            }
            for (int i = 0; i < cells; i++) {
                int cell = cellOffset(base, pointers, i, page);
                long[] v = varint(cell, base + usable, page);
                long payload = v[0];
                long[] rowid = varint((int) v[1], base + usable, page);
                if (payload < 0 || payload > MAX_VALUE) {
                    throw new IllegalArgumentException("a record of page " + page + " claims " + payload + " bytes");
                }
                out.add(record(payload(page, base, (int) rowid[1], (int) payload, seen), lastColumn, page));
                if (out.size() > MAX_ROWS) {
                    throw new IllegalArgumentException("more than " + MAX_ROWS + " rows");
                }
            }
        }
        return out;
    }

    private int cellOffset(int base, int pointers, int i, long page) {
        int cell = base + u16(pointers + 2 * i);
        if (cell < pointers || cell >= base + usable) {
            throw new IllegalArgumentException("a cell of page " + page + " lies outside it");
        }
        return cell;
    }

    /** A cell's whole payload: its local part, then its overflow pages' contents. */
    private byte[] payload(long page, int base, int at, int size, BitSet seen) {
        int max = usable - 35;
        int local = size;
        if (size > max) {
            int min = (usable - 12) * 32 / 255 - 23;
            int k = min + (size - min) % (usable - 4);
            local = k <= max ? k : min;
        }
        need(at, local + (local < size ? 4 : 0), base, page);
        byte[] out = new byte[size];
        System.arraycopy(db, at, out, 0, local);
        int filled = local;
        long next = local < size ? Integer.toUnsignedLong(u32(at + local)) : 0;
        while (filled < size) {
            if (next == 0) {
                throw new IllegalArgumentException("a record of page " + page + " ends before its overflow does");
            }
            int o = page(next, seen);
            int n = Math.min(usable - 4, size - filled);
            System.arraycopy(db, o + 4, out, filled, n);
            filled += n;
            next = Integer.toUnsignedLong(u32(o));
        }
        return out;
    }

    /** Decodes a record's values up to {@code lastColumn}: Long, Double, byte[] (text or blob) or null. */
    private static List<Object> record(byte[] r, int lastColumn, long page) {
        List<Object> values = new ArrayList<>();
        long[] h = varint(r, 0, page);
        int headerEnd = (int) Math.min(h[0], r.length);
        int at = (int) h[1];
        int body = headerEnd;
        while (at < headerEnd && values.size() <= lastColumn) {
            long[] t = varint(r, at, page);
            at = (int) t[1];
            long type = t[0];
            int len = switch ((int) Math.min(type, 12)) {
                case 0, 8, 9 -> 0;
                case 1 -> 1;
                case 2 -> 2;
                case 3 -> 3;
                case 4 -> 4;
                case 5 -> 6;
                case 6, 7 -> 8;
                case 10, 11 -> throw new IllegalArgumentException("a record of page " + page + " uses a reserved type");
                default -> (int) Math.min((type - 12) / 2, Integer.MAX_VALUE);
            };
            if ((long) body + len > r.length) {
                throw new IllegalArgumentException("a record of page " + page + " is shorter than its header says");
            }
            if (type == 0) {
                values.add(null);
            } else if (type == 8 || type == 9) {
                values.add(type - 8);
            } else if (type <= 6) {
                long v = r[body]; // sign-extended
                for (int i = 1; i < len; i++) {
                    v = (v << 8) | (r[body + i] & 0xff);
                }
                values.add(v);
            } else if (type == 7) {
                values.add(null); // a float: not a value this reader needs
            } else {
                values.add(java.util.Arrays.copyOfRange(r, body, body + len));
            }
            body += len;
        }
        return values;
    }

    /** The offset of a page not visited before in this walk. */
    private int page(long number, BitSet seen) {
        if (number < 1 || number > pages) {
            throw new IllegalArgumentException("page " + number + " is outside the file (" + pages + " pages)");
        }
        if (seen.get((int) number)) {
            throw new IllegalArgumentException("page " + number + " is reached twice");
        }
        seen.set((int) number);
        return (int) ((number - 1) * pageSize);
    }

    private void need(int at, int length, int base, long page) {
        if (at < base || (long) at + length > base + (long) pageSize) {
            throw new IllegalArgumentException("a cell of page " + page + " runs past its end");
        }
    }

    /** A varint at {@code at} of the file: {value, offset after it}, never reading past {@code end}. */
    private long[] varint(int at, int end, long page) {
        return varint(db, at, end, page);
    }

    private static long[] varint(byte[] r, int at, long page) {
        return varint(r, at, r.length, page);
    }

    private static long[] varint(byte[] buf, int at, int end, long page) {
        long v = 0;
        for (int i = 0; i < 9; i++) {
            if (at + i >= end) {
                throw new IllegalArgumentException("a number of page " + page + " runs past its end");
            }
            int b = buf[at + i] & 0xff;
            if (i == 8) {
                return new long[] {(v << 8) | b, at + 9};
            }
            v = (v << 7) | (b & 0x7f);
            if ((b & 0x80) == 0) {
                return new long[] {v, at + i + 1};
            }
        }
        throw new IllegalStateException();
    }

    private int u16(int at) {
        return ((db[at] & 0xff) << 8) | (db[at + 1] & 0xff);
    }

    private int u32(int at) {
        return ((db[at] & 0xff) << 24) | ((db[at + 1] & 0xff) << 16) | ((db[at + 2] & 0xff) << 8) | (db[at + 3] & 0xff);
    }
}
