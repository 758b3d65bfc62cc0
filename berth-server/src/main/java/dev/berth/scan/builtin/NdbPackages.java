package dev.berth.scan.builtin;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the package headers of rpm's "ndb" database held in memory ({@code Packages.db}: SUSE
 * Linux Enterprise 15 SP3 and later, openSUSE Tumbleweed and Leap 15.3 and later; rpm's
 * {@code lib/backend/ndb/rpmpkg.c}). Little-endian throughout: a 32-byte header (magic
 * {@code RpmP}, version 0, generation, the number of 4 KiB slot pages), then the slot pages, each of
 * 256 slots of 16 bytes (magic {@code Slot}, package index, offset and length of its blob in 16-byte
 * blocks; index 0 is a free slot; the header takes the first two slots), and the blobs, each a
 * 16-byte header (magic {@code BlbS}, the package index again, an Adler-32 checksum, the length)
 * followed by the rpm header.
 *
 * <p>The file is untrusted: every blob must lie inside the file and inside the blocks its slot
 * gives it, name the slot's package, and be read once; blobs and their count are limited as for
 * the other formats. A file that does not fit is an {@link IllegalArgumentException} saying where.
 */
final class NdbPackages {
    private static final int HEADER_MAGIC = 'R' | 'p' << 8 | 'm' << 16 | 'P' << 24;
    private static final int SLOT_MAGIC = 'S' | 'l' << 8 | 'o' << 16 | 't' << 24;
    private static final int BLOB_MAGIC = 'B' | 'l' << 8 | 'b' << 16 | 'S' << 24;
    private static final int PAGE = 4096;
    private static final int SLOT = 16;
    private static final int BLOCK = 16;
    /** rpm's own limit on slot pages (and go-rpmdb's). */
    private static final int MAX_SLOT_PAGES = 2048;

    private final byte[] db;
    private final int slotPages;

    NdbPackages(byte[] db) {
        this.db = db;
        if (db.length < PAGE || le32(0) != HEADER_MAGIC) {
            throw new IllegalArgumentException("not an rpm ndb database");
        }
        if (le32(4) != 0) {
            throw new IllegalArgumentException(
                    "ndb version " + Integer.toUnsignedString(le32(4)) + " is not supported");
        }
        long pages = Integer.toUnsignedLong(le32(12));
        if (pages == 0 || pages > MAX_SLOT_PAGES || pages * PAGE > db.length) {
            throw new IllegalArgumentException("the header claims " + pages + " slot pages");
        }
        slotPages = (int) pages;
    }

    /** The headers of the packages, in slot order. */
    List<byte[]> values() {
        List<byte[]> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        int slots = slotPages * (PAGE / SLOT);
        for (int s = 2; s < slots; s++) { // slots 0 and 1 are the database's header
            int at = s * SLOT;
            if (le32(at) != SLOT_MAGIC) {
                throw new IllegalArgumentException("slot " + s + " has no slot magic");
            }
            int pkg = le32(at + 4);
            if (pkg == 0) {
                continue; // free
            }
            long offset = Integer.toUnsignedLong(le32(at + 8)) * BLOCK;
            long blocks = Integer.toUnsignedLong(le32(at + 12));
            if (offset < (long) slotPages * PAGE || offset + BLOCK > db.length || !seen.add(offset)) {
                throw new IllegalArgumentException(
                        "slot " + s + " points outside the blob area or to a blob read before");
            }
            int b = (int) offset;
            if (le32(b) != BLOB_MAGIC || le32(b + 4) != pkg) {
                throw new IllegalArgumentException(
                        "the blob of slot " + s + " is not package " + Integer.toUnsignedString(pkg) + "'s");
            }
            long length = Integer.toUnsignedLong(le32(b + 12));
            if (length > BerkeleyHash.MAX_VALUE
                    || offset + BLOCK + length > db.length
                    || BLOCK + length > blocks * BLOCK) {
                throw new IllegalArgumentException(
                        "the blob of slot " + s + " (" + length + " bytes) does not fit its blocks or the file");
            }
            if (out.size() == BerkeleyHash.MAX_VALUES) {
                throw new IllegalArgumentException("more than " + BerkeleyHash.MAX_VALUES + " packages");
            }
            byte[] header = new byte[(int) length];
            System.arraycopy(db, b + BLOCK, header, 0, header.length);
            out.add(header);
        }
        return out;
    }

    private int le32(int at) {
        return (db[at] & 0xff) | (db[at + 1] & 0xff) << 8 | (db[at + 2] & 0xff) << 16 | (db[at + 3] & 0xff) << 24;
    }
}
