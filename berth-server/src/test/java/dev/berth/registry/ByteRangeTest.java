package dev.berth.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteRangeTest {
    private static final long SIZE = 1000;

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "bytes=0-99          | 0   | 99  | 100",
                "bytes=10-10         | 10  | 10  | 1",
                "bytes=0-999         | 0   | 999 | 1000",
                "bytes=500-          | 500 | 999 | 500",
                "bytes=999-          | 999 | 999 | 1",
                "bytes=-100          | 900 | 999 | 100",
                "bytes=-1            | 999 | 999 | 1",
                "bytes=-5000         | 0   | 999 | 1000", // a suffix longer than the blob is the whole blob
                "bytes=900-5000      | 900 | 999 | 100", // the end is clipped to size - 1
                "bytes=0-99999999999999 | 0 | 999 | 1000",
                "' bytes=1-2 '       | 1   | 2   | 2",
            })
    void parsesASingleRange(String header, long start, long end, long length) {
        ByteRange range = ByteRange.parse(header, SIZE).orElseThrow();

        assertThat(range.start()).isEqualTo(start);
        assertThat(range.end()).isEqualTo(end);
        assertThat(range.length()).isEqualTo(length);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(
            strings = {
                "",
                "bytes=0-1,5-6", // several ranges: ignored, the whole blob is sent
                "bytes=-",
                "bytes=5-3", // syntactically invalid (last < first): ignored
                "items=0-5",
                "bytes=a-b",
                "bytes 0-5",
                "bytes=0x1-0x5",
            })
    void anythingButOneUsableRangeIsIgnored(String header) {
        assertThat(ByteRange.parse(header, SIZE)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "bytes=1000-      | 1000",
                "bytes=1000-2000  | 1000",
                "bytes=5000-6000  | 1000",
                "bytes=-0         | 1000",
                "bytes=0-         | 0", // nothing to send from an empty blob
                "bytes=0-0        | 0",
                "bytes=-10        | 0",
            })
    void aRangeThatCannotBeSatisfiedIs416WithTheSize(String header, long size) {
        RegistryException e = catchThrowableOfType(RegistryException.class, () -> ByteRange.parse(header, size));

        assertThat(e).as(header).isNotNull();
        assertThat(e.status()).isEqualTo(416);
        assertThat(e.headers()).containsEntry("Content-Range", "bytes */" + size);
    }
}
