package dev.berth.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RepositoryNameTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "a",
                "library/ubuntu",
                "project/team/app",
                "a/b/c/d/e/f/g",
                "my.app",
                "my_app",
                "a__b",
                "a--b",
                "a---b",
                "a-b.c_d__e",
                "0",
                "9/8/7",
                "x/blobs/uploads",
                "foo/manifests/bar",
                "v2",
            })
    void acceptsValidNames(String name) {
        assertThat(RepositoryName.isValid(name)).isTrue();
        assertThat(RepositoryName.require(name)).isEqualTo(name);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "Library/ubuntu",
                "library/Ubuntu",
                "..",
                "a/../b",
                "a/./b",
                "../a",
                "/a",
                "a/",
                "-a",
                "a-",
                ".a",
                "a.",
                "_a",
                "a_",
                "a//b",
                "a___b",
                "a..b",
                "a._b",
                "a b",
                "a\tb",
                "a\\b",
                "a:b",
                "a@b",
                "a/b:tag",
                "a%2fb",
                "ümlaut",
                "a\nb",
                "a/b\n",
            })
    void rejectsInvalidNames(String name) {
        assertThat(RepositoryName.isValid(name)).isFalse();
        RegistryException e = catchThrowableOfType(RegistryException.class, () -> RepositoryName.require(name));
        assertThat(e.code()).isEqualTo(ErrorCode.NAME_INVALID);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.detail()).isEqualTo(Map.of("name", String.valueOf(name)));
    }

    @Test
    void namesMayBe255CharactersLongAndNoLonger() {
        String longest = "a/".repeat(127) + "a"; // 255 characters
        assertThat(longest).hasSize(255);

        assertThat(RepositoryName.isValid(longest)).isTrue();
        assertThat(RepositoryName.isValid(longest + "a")).isFalse();
        assertThat(RepositoryName.isValid("a".repeat(256))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"latest", "v1.2.3", "1.0", "_underscore", "UPPER_case", "a-b.c_d", "0", "sha256_abc", "x"})
    void acceptsValidTags(String tag) {
        assertThat(RepositoryName.isValidTag(tag)).isTrue();
        assertThat(RepositoryName.requireTag(tag)).isEqualTo(tag);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {".hidden", "-dash", "a/b", "a:b", "sha256:abc", "a b", "tag!", "ümlaut", "a\n"})
    void rejectsInvalidTags(String tag) {
        assertThat(RepositoryName.isValidTag(tag)).isFalse();
        RegistryException e = catchThrowableOfType(RegistryException.class, () -> RepositoryName.requireTag(tag));
        assertThat(e.code()).isEqualTo(ErrorCode.TAG_INVALID);
        assertThat(e.status()).isEqualTo(400);
    }

    @Test
    void tagsMayBe128CharactersLongAndNoLonger() {
        assertThat(RepositoryName.isValidTag("t".repeat(128))).isTrue();
        assertThat(RepositoryName.isValidTag("_" + "t".repeat(127))).isTrue();
        assertThat(RepositoryName.isValidTag("t".repeat(129))).isFalse();
    }
}
