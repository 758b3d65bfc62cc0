package dev.berth.storage;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;

/** The S3 bucket's objects as {@link SegmentedUploads} uses them. */
final class S3Segments implements SegmentStore {
    private final S3Objects objects;
    private final S3Composer composer;

    S3Segments(S3Objects objects, S3Composer composer) {
        this.objects = objects;
        this.composer = composer;
    }

    @Override
    public OptionalLong head(String key) throws IOException {
        return objects.head(key);
    }

    @Override
    public InputStream get(String key, long offset, long length) throws IOException {
        return objects.get(key, offset, length);
    }

    @Override
    public void put(String key, byte[] bytes, int length) throws IOException {
        objects.put(key, bytes, length);
    }

    @Override
    public long write(String key, InputStream in, long limit, MessageDigest hasher) throws IOException {
        return objects.write(key, in, limit, hasher);
    }

    @Override
    public void delete(String key) throws IOException {
        objects.delete(key);
    }

    @Override
    public void deleteAll(List<String> keys) throws IOException {
        objects.deleteAll(keys);
    }

    @Override
    public void forEach(String prefix, Consumer<Stored> each) throws IOException {
        objects.forEach(prefix, o -> each.accept(new Stored(o.key(), o.size(), o.lastModified())));
    }

    @Override
    public void compose(List<SegmentedUploads.Segment> chain, String target, long size) throws IOException {
        try {
            composer.compose(chain, target, size);
        } catch (SdkException e) {
            throw S3Objects.failure("commit to " + target, e);
        }
    }

    @Override
    public int abandonWrites(String prefix, Instant before) throws IOException {
        return objects.abortMultipartUploads(prefix, before);
    }
}
