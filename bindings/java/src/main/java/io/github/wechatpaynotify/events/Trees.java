package io.github.wechatpaynotify.events;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Reads the fields of a value tree for the models' {@code fromTree} factories: {@code Map}s
 * with {@code String} keys, {@code List}s, {@code String}s, {@code Long}s (or the smaller
 * integer boxes) and {@code Boolean}s; {@code null} is an absent value. Errors name the field by
 * its path ({@code amount.total}, {@code promotion_detail.0.amount}), never its value.
 */
final class Trees {
    private Trees() {}

    /**
     * Reads one value of a tree.
     *
     * @param <T> what it reads
     */
    @FunctionalInterface
    interface Reader<T> {
        /**
         * Reads {@code value}, found at {@code path}.
         *
         * @param value the value, not null
         * @param path its path, for messages
         * @return what it holds
         */
        T read(Object value, String path);
    }

    private static String at(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static <T> T required(Map<String, ?> tree, String key, String path, Reader<T> reader) {
        Object value = tree.get(key);
        if (value == null) {
            throw new IllegalArgumentException("the required field `" + at(path, key) + "` is missing");
        }
        return reader.read(value, at(path, key));
    }

    static <T> T optional(Map<String, ?> tree, String key, String path, Reader<T> reader) {
        Object value = tree.get(key);
        return value == null ? null : reader.read(value, at(path, key));
    }

    private static IllegalArgumentException wrongType(String path, String expected, Object value) {
        String where = path.isEmpty() ? "the resource" : "the field `" + path + "`";
        return new IllegalArgumentException(
                where + " holds a " + value.getClass().getSimpleName() + ", expected " + expected);
    }

    static String string(Object value, String path) {
        if (value instanceof String) {
            return (String) value;
        }
        throw wrongType(path, "a String", value);
    }

    static Long int64(Object value, String path) {
        if (value instanceof Long) {
            return (Long) value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        throw wrongType(path, "a Long", value);
    }

    static Boolean bool(Object value, String path) {
        if (value instanceof Boolean) {
            return (Boolean) value;
        }
        throw wrongType(path, "a Boolean", value);
    }

    static Map<String, ?> object(Object value, String path) {
        if (!(value instanceof Map)) {
            throw wrongType(path, "a Map", value);
        }
        Map<?, ?> map = (Map<?, ?>) value;
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                throw new IllegalArgumentException(
                        (path.isEmpty() ? "the resource" : "the field `" + path + "`") + " has a key that is not a String");
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, ?> checked = (Map<String, ?>) map;
        return checked;
    }

    static <T> Reader<List<T>> listOf(Reader<T> item) {
        return (value, path) -> {
            if (!(value instanceof List)) {
                throw wrongType(path, "a List", value);
            }
            List<?> list = (List<?>) value;
            List<T> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                Object v = list.get(i);
                if (v == null) {
                    throw new IllegalArgumentException("the item `" + at(path, Integer.toString(i)) + "` is null");
                }
                out.add(item.read(v, at(path, Integer.toString(i))));
            }
            return Collections.unmodifiableList(out);
        };
    }

    /** Builds a model's {@code toString()}: {@code Name{key=value, ...}}. */
    static final class Text {
        private final StringBuilder s;
        private boolean first = true;

        Text(String name) {
            s = new StringBuilder(name).append('{');
        }

        /** Appends a field. */
        Text add(String key, Object value) {
            s.append(first ? "" : ", ").append(key).append('=').append(value);
            first = false;
            return this;
        }

        /** Appends an optional field unless it is absent (null, or an empty list). */
        Text optional(String key, Object value) {
            if (value == null || (value instanceof List && ((List<?>) value).isEmpty())) {
                return this;
            }
            return add(key, value);
        }

        @Override
        public String toString() {
            return s.toString() + '}';
        }
    }
}
