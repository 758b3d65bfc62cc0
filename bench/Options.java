import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Command-line options: {@code --key value}, {@code --key=value} and bare {@code --flag}. */
record Options(Map<String, String> values) {

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]?)(?:i?b)?", Pattern.CASE_INSENSITIVE);

  /** Parses {@code args}, rejecting anything not in {@code known}. */
  static Options parse(String[] args, Set<String> known) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument: " + args[i]);
      }
      String key = args[i].substring(2);
      String value = "true";
      int eq = key.indexOf('=');
      if (eq >= 0) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        value = args[++i];
      }
      if (!known.contains(key)) {
        throw new IllegalArgumentException("unknown option --" + key);
      }
      values.put(key, value);
    }
    return new Options(values);
  }

  boolean has(String key) {
    return values.containsKey(key);
  }

  String str(String key, String fallback) {
    return values.getOrDefault(key, fallback);
  }

  String required(String key) {
    String value = values.get(key);
    if (value == null) {
      throw new IllegalArgumentException("missing --" + key);
    }
    return value;
  }

  int integer(String key, int fallback) {
    return has(key) ? Integer.parseInt(values.get(key)) : fallback;
  }

  long longValue(String key, long fallback) {
    return has(key) ? Long.parseLong(values.get(key)) : fallback;
  }

  double decimal(String key, double fallback) {
    return has(key) ? Double.parseDouble(values.get(key)) : fallback;
  }

  boolean flag(String key) {
    return Boolean.parseBoolean(values.getOrDefault(key, "false"));
  }

  /** Sizes such as 1048576, 512KiB, 1MiB, 256m, 1G (binary units). */
  long size(String key, long fallback) {
    if (!has(key)) {
      return fallback;
    }
    Matcher m = SIZE.matcher(values.get(key).trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("bad size for --" + key + ": " + values.get(key));
    }
    int shift = switch (m.group(2).toLowerCase()) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      default -> 0;
    };
    return Long.parseLong(m.group(1)) << shift;
  }
}
