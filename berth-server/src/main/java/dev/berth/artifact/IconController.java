package dev.berth.artifact;

import dev.berth.api.ApiException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Harbor's {@code GET /icons/{digest}}: the picture an artifact's {@code icon} names, as {@code
 * {"content-type", "content"}} with the bytes in base64. Open to anyone, as in Harbor: the icons are
 * the same for every installation and say nothing about its content.
 */
@RestController
class IconController {
    @GetMapping("/api/v2.0/icons/{digest}")
    ResponseEntity<Map<String, String>> icon(@PathVariable String digest) {
        if (!digest.matches("sha256:[0-9a-f]{64}")) {
            throw ApiException.badRequest("invalid digest: " + digest);
        }
        Icons.Icon icon =
                Icons.byDigest(digest).orElseThrow(() -> ApiException.notFound("the icon " + digest + " not found"));
        Map<String, String> body = new LinkedHashMap<>();
        body.put("content-type", Icons.CONTENT_TYPE);
        body.put("content", Base64.getEncoder().encodeToString(icon.content()));
        // Named by the digest of its bytes: it never changes.
        return ResponseEntity.ok()
                .cacheControl(CacheControl.maxAge(java.time.Duration.ofDays(365))
                        .cachePublic()
                        .immutable())
                .body(body);
    }
}
