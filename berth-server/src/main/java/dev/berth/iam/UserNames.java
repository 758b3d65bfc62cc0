package dev.berth.iam;

import java.text.Normalizer;
import java.util.Locale;

/**
 * When two user names are the same name: after Unicode compatibility normalisation (NFKC: full-width
 * and other compatibility forms become the plain letter), case folding, and the one confusable pair
 * that survives both, the dotted and dotless i ({@code ı}, {@code İ} → {@code i}). So {@code Admin},
 * {@code ＡＤＭＩＮ} and {@code admın} are all {@code admin}. A name is refused when its key is taken
 * ({@code app_user.username_key}, unique); signing in still takes the name exactly as created.
 */
public final class UserNames {
    private UserNames() {}

    /** The form names are compared in. */
    public static String key(String username) {
        String s = Normalizer.normalize(username, Normalizer.Form.NFKC);
        // Upper then lower case folds what lower case alone keeps apart (ß/SS, ſ/s, ı/I/i).
        s = s.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        // İ lower-cases to i + U+0307 (combining dot above): the same i.
        s = s.replace("i\u0307", "i").replace("j\u0307", "j");
        return Normalizer.normalize(s, Normalizer.Form.NFKC);
    }
}
