import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Minimal JSON writer for result objects: maps, lists, strings, numbers and booleans. */
final class Json {

  private Json() {}

  /** An insertion-ordered, mutable map from alternating keys and values. */
  static Map<String, Object> object(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  static String write(Object value) {
    return switch (value) {
      case null -> "null";
      case Map<?, ?> map -> {
        List<String> fields = new ArrayList<>();
        map.forEach((k, v) -> fields.add(quote(String.valueOf(k)) + ":" + write(v)));
        yield "{" + String.join(",", fields) + "}";
      }
      case List<?> list -> "[" + String.join(",", list.stream().map(Json::write).toList()) + "]";
      case Double d when !Double.isFinite(d) -> "null";
      case Double d -> BigDecimal.valueOf(d).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
      case Number n -> n.toString();
      case Boolean b -> b.toString();
      default -> quote(value.toString());
    };
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> out.append(c < 0x20 ? "\\u%04x".formatted((int) c) : String.valueOf(c));
      }
    }
    return out.append('"').toString();
  }
}
