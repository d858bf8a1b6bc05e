package io.github.wechatpaynotify.testing;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * Writes Java values as the JSON text the C ABI takes ({@code merge_json}, {@code
 * resource_json}, {@code fields_json}), so that no JSON library is needed: {@code Map}s with
 * {@code String} keys, {@code Iterable}s and {@code Object[]}, {@code String}s, {@code
 * Boolean}s, integers ({@code Long}, {@code Integer}, {@code Short}, {@code Byte}, {@code
 * BigInteger}), {@code BigDecimal}s, finite {@code Double}s and {@code Float}s, and null.
 */
final class Json {
    private Json() {}

    /**
     * The JSON text of a value.
     *
     * @param value a value of the types above
     * @return compact JSON
     * @throws IllegalArgumentException for another type, a non-{@code String} key or a
     *     non-finite number
     */
    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String) {
            string(out, (String) value);
        } else if (value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof BigDecimal) {
            out.append(((BigDecimal) value).toString());
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("JSON has no " + value);
            }
            out.append(value);
        } else if (value instanceof Map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                if (!(e.getKey() instanceof String)) {
                    throw new IllegalArgumentException("a JSON object's keys are Strings, not " + e.getKey());
                }
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(out, (String) e.getKey());
                out.append(':');
                write(out, e.getValue());
            }
            out.append('}');
        } else if (value instanceof Iterable || value instanceof Object[]) {
            Iterable<?> items = value instanceof Object[] ? java.util.Arrays.asList((Object[]) value) : (Iterable<?>) value;
            out.append('[');
            boolean first = true;
            for (Object item : items) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                write(out, item);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getName()
                    + " as JSON: use Maps, Lists, Strings, numbers, Booleans and null, or give JSON text");
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }
}
