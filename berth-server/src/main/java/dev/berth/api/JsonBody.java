package dev.berth.api;

import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * A JSON response body written field by field with a streaming generator, for responses too large
 * or too frequent to build as maps first (a page of 100 artifacts is about 130 KiB): no
 * intermediate objects, and no serializer looked up per value.
 */
@Component
public class JsonBody {
    private final JsonMapper json;

    JsonBody(JsonMapper json) {
        this.json = json;
    }

    /** 200 with {@code headers}, {@code Content-Type: application/json} and what {@code writer} writes. */
    public ResponseEntity<byte[]> ok(HttpHeaders headers, int sizeHint, Consumer<JsonGenerator> writer) {
        return ResponseEntity.ok()
                .headers(headers)
                .contentType(MediaType.APPLICATION_JSON)
                .body(write(sizeHint, writer));
    }

    /** What {@code writer} writes, as UTF-8 bytes; {@code sizeHint} is the expected length. */
    public byte[] write(int sizeHint, Consumer<JsonGenerator> writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(256, sizeHint));
        try (JsonGenerator g = json.createGenerator(out)) {
            writer.accept(g);
        }
        return out.toByteArray();
    }
}
