package dev.berth.scan.builtin;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Reads the values of a Berkeley DB hash database held in memory (rpm's {@code Packages} up to
 * RHEL 8: key the header number, value the header). Every page is read in turn; on hash pages
 * (sorted, or unsorted as Berkeley DB before 4.6 wrote them) items come in key/value pairs, and a
 * value is either on the page ({@code H_KEYDATA}) or, as rpm headers nearly always are, on a chain
 * of overflow pages ({@code H_OFFPAGE}). Byte order follows the metadata page's magic.
 *
 * <p>The file is untrusted: offsets are checked against their page, an overflow chain may not
 * revisit a page nor grow past the length its item states, and values and their count are
 * limited. A file that does not fit is an {@link IllegalArgumentException} saying where.
 */
final class BerkeleyHash {
    static final int MAX_VALUES = 200_000;
    static final int MAX_VALUE = 64 * 1024 * 1024;
    private static final int HASH_MAGIC = 0x061561;
    private static final int PAGE_HEADER = 26;
    private static final int P_HASH_UNSORTED = 2;
    private static final int P_OVERFLOW = 7;
    private static final int P_HASHMETA = 8;
    private static final int P_HASH = 13;
    private static final int H_KEYDATA = 1;
    private static final int H_OFFPAGE = 3;

    private final byte[] db;
    private final boolean bigEndian;
    private final int pageSize;
    private final long lastPage;

    BerkeleyHash(byte[] db) {
        this.db = db;
        if (db.length < 512) {
            throw new IllegalArgumentException("not a Berkeley DB file (" + db.length + " bytes)");
        }
        int magicLe = le32(12);
        int magicBe = be32(12);
        if (magicLe == HASH_MAGIC) {
            bigEndian = false;
        } else if (magicBe == HASH_MAGIC) {
            bigEndian = true;
        } else {
            throw new IllegalArgumentException("not a Berkeley DB hash database");
        }
        if ((db[25] & 0xff) != P_HASHMETA) {
            throw new IllegalArgumentException("the first page is not a hash metadata page");
        }
        if ((db[24] & 0xff) != 0) {
            throw new IllegalArgumentException("the database is encrypted");
        }
        pageSize = u32(20);
        if (pageSize < 512 || pageSize > 65536 || Integer.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("page size " + pageSize + " is not one Berkeley DB uses");
        }
        long last = Integer.toUnsignedLong(u32(32));
        lastPage = Math.min(last, db.length / pageSize - 1L);
    }

    /** The database's values, in page order. */
    List<byte[]> values() {
        List<byte[]> out = new ArrayList<>();
        for (long p = 1; p <= lastPage; p++) {
            int base = (int) (p * pageSize);
            int type = db[base + 25] & 0xff;
            if (type != P_HASH && type != P_HASH_UNSORTED) {
                continue;
            }
            int entries = u16(base + 20);
            if (PAGE_HEADER + 2L * entries > pageSize) {
                throw new IllegalArgumentException("page " + p + " claims " + entries + " items");
            }
            for (int i = 1; i < entries; i += 2) { // items alternate key, value
                int at = u16(base + PAGE_HEADER + 2 * i);
                int end = u16(base + PAGE_HEADER + 2 * (i - 1)); // items fill the page from its end
                if (at < PAGE_HEADER + 2 * entries || at >= pageSize || end > pageSize || end <= at) {
                    throw new IllegalArgumentException("an item of page " + p + " lies outside it");
                }
                int itemType = db[base + at] & 0xff;
                if (itemType == H_OFFPAGE) {
                    if (at + 12 > end) {
                        throw new IllegalArgumentException("an item of page " + p + " is cut short");
                    }
                    out.add(overflow(Integer.toUnsignedLong(u32(base + at + 4)), u32(base + at + 8), p));
                } else if (itemType == H_KEYDATA) {
                    out.add(java.util.Arrays.copyOfRange(db, base + at + 1, base + end));
                }
                if (out.size() > MAX_VALUES) {
                    throw new IllegalArgumentException("more than " + MAX_VALUES + " values");
                }
            }
        }
        return out;
    }

    private byte[] overflow(long first, int length, long from) {
        if (length < 0 || length > MAX_VALUE) {
            throw new IllegalArgumentException("an item of page " + from + " claims " + length + " bytes");
        }
        byte[] out = new byte[length];
        int filled = 0;
        BitSet seen = new BitSet();
        long page = first;
        while (page != 0 && filled < length) {
            if (page < 1 || page > lastPage || seen.get((int) page)) {
                throw new IllegalArgumentException("the overflow chain from page " + from + " is broken at " + page);
            }
            seen.set((int) page);
            int base = (int) (page * pageSize);
            if ((db[base + 25] & 0xff) != P_OVERFLOW) {
                throw new IllegalArgumentException("page " + page + " is not an overflow page");
            }
            int n = Math.min(Math.min(u16(base + 22), pageSize - PAGE_HEADER), length - filled);
            System.arraycopy(db, base + PAGE_HEADER, out, filled, n);
            filled += n;
            page = Integer.toUnsignedLong(u32(base + 16));
        }
        if (filled < length) {
            throw new IllegalArgumentException("the overflow chain from page " + from + " ends early");
        }
        return out;
    }

    private int u16(int at) {
        return bigEndian ? ((db[at] & 0xff) << 8) | (db[at + 1] & 0xff) : ((db[at + 1] & 0xff) << 8) | (db[at] & 0xff);
    }

    private int u32(int at) {
        return bigEndian ? be32(at) : le32(at);
    }

    private int le32(int at) {
        return ((db[at + 3] & 0xff) << 24) | ((db[at + 2] & 0xff) << 16) | ((db[at + 1] & 0xff) << 8) | (db[at] & 0xff);
    }

    private int be32(int at) {
        return ((db[at] & 0xff) << 24) | ((db[at + 1] & 0xff) << 16) | ((db[at + 2] & 0xff) << 8) | (db[at + 3] & 0xff);
    }
}
