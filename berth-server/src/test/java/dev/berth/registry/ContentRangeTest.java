package dev.berth.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ContentRangeTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "0-99                  | 0    | 99   | 100",
                "bytes 0-99/*          | 0    | 99   | 100",
                "bytes 100-199/200     | 100  | 199  | 100",
                "bytes 0-99            | 0    | 99   | 100",
                "1024-1024             | 1024 | 1024 | 1",
                "'  5-9  '             | 5    | 9    | 5",
                "0-999999999999999999  | 0    | 999999999999999999 | 1000000000000000000",
            })
    void parsesBothForms(String header, long start, long end, long length) {
        ContentRange range = ContentRange.parse(header).orElseThrow();

        assertThat(range.start()).isEqualTo(start);
        assertThat(range.end()).isEqualTo(end);
        assertThat(range.length()).isEqualTo(length);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void anAbsentHeaderIsNoRange(String header) {
        assertThat(ContentRange.parse(header)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "abc",
                "0-",
                "-99",
                "0 - 99",
                "bytes=0-99",
                "0-99/",
                "bytes 0-99/abc",
                "-1-5",
                "0x10-0x20",
                "1.5-3",
                "0-99,100-199",
                "0-9999999999999999999", // more digits than a long holds
                "99999999999999999999-99999999999999999999",
                "０-９", // full-width digits are not ASCII digits
            })
    void aMalformedHeaderIs416(String header) {
        RegistryException e = catchThrowableOfType(RegistryException.class, () -> ContentRange.parse(header));

        assertThat(e).as(header).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.BLOB_UPLOAD_INVALID);
        assertThat(e.status()).isEqualTo(416);
    }

    @Test
    void anEndBeforeTheStartIs416() {
        RegistryException e = catchThrowableOfType(RegistryException.class, () -> ContentRange.parse("100-99"));

        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.BLOB_UPLOAD_INVALID);
        assertThat(e.status()).isEqualTo(416);
    }
}
