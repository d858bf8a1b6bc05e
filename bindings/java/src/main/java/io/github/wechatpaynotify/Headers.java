package io.github.wechatpaynotify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Request headers as an ordered list of (name, value) pairs, for the header collections a
 * plain {@code Map<String, String>} cannot express: multi-valued maps such as {@code
 * com.sun.net.httpserver.Headers} or Spring's {@code HttpHeaders}, and repeated headers.
 *
 * <p>Names are matched case-insensitively by the verifier; when a name repeats, the first
 * value wins. Instances are immutable once built.
 */
public final class Headers {
    private final List<String> names;
    private final List<String> values;

    private Headers(List<String> names, List<String> values) {
        this.names = names;
        this.values = values;
    }

    /**
     * Headers from a single-valued map.
     *
     * @param headers header names to values
     * @return the headers, in the map's iteration order
     */
    public static Headers fromMap(Map<String, String> headers) {
        Objects.requireNonNull(headers, "headers");
        Builder b = new Builder(headers.size());
        for (Map.Entry<String, String> e : headers.entrySet()) {
            b.add(e.getKey(), e.getValue());
        }
        return b.build();
    }

    /**
     * Headers from a multi-valued map, such as {@code HttpExchange.getRequestHeaders()} or
     * Spring's {@code HttpHeaders}; every value of every name is kept, in order.
     *
     * @param headers header names to their values
     * @return the headers
     */
    public static Headers fromMultiMap(Map<String, ? extends List<String>> headers) {
        Objects.requireNonNull(headers, "headers");
        Builder b = new Builder(headers.size());
        for (Map.Entry<String, ? extends List<String>> e : headers.entrySet()) {
            if (e.getValue() != null) {
                for (String value : e.getValue()) {
                    b.add(e.getKey(), value);
                }
            }
        }
        return b.build();
    }

    /**
     * Starts an empty list of headers.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder(8);
    }

    /**
     * The number of (name, value) pairs.
     *
     * @return the pair count
     */
    public int size() {
        return names.size();
    }

    /**
     * The name of pair {@code i}, as given.
     *
     * @param i index, from 0 to {@code size() - 1}
     * @return the header name
     */
    public String name(int i) {
        return names.get(i);
    }

    /**
     * The value of pair {@code i}.
     *
     * @param i index, from 0 to {@code size() - 1}
     * @return the header value
     */
    public String value(int i) {
        return values.get(i);
    }

    /**
     * The first value of a header, looked up case-insensitively.
     *
     * @param name a header name such as {@code Wechatpay-Serial}
     * @return the first value, or null when absent
     */
    public String first(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return values.get(i);
            }
        }
        return null;
    }

    /**
     * The header names, without values (values may be secrets or signatures).
     *
     * @return a description listing the names
     */
    @Override
    public String toString() {
        return "Headers" + names;
    }

    /** Collects (name, value) pairs in order. Not thread-safe. */
    public static final class Builder {
        private final List<String> names;
        private final List<String> values;

        private Builder(int capacity) {
            names = new ArrayList<>(capacity);
            values = new ArrayList<>(capacity);
        }

        /**
         * Appends one header; a null name or value is ignored.
         *
         * @param name the header name (any case)
         * @param value the header value
         * @return this builder
         */
        public Builder add(String name, String value) {
            if (name != null && value != null) {
                names.add(name);
                values.add(value);
            }
            return this;
        }

        /**
         * Finishes the list.
         *
         * @return the headers
         */
        public Headers build() {
            return new Headers(
                    Collections.unmodifiableList(new ArrayList<>(names)),
                    Collections.unmodifiableList(new ArrayList<>(values)));
        }
    }
}
