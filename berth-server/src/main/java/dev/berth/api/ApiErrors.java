package dev.berth.api;

import java.util.List;

/** Harbor's error body: {@code {"errors":[{"code":"NOT_FOUND","message":"…"}]}}. */
public record ApiErrors(List<Error> errors) {
    public ApiErrors {
        errors = List.copyOf(errors);
    }

    public static ApiErrors of(String code, String message) {
        return new ApiErrors(List.of(new Error(code, message)));
    }

    public record Error(String code, String message) {}
}
