package io.github.wechatpaynotify;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.util.Objects;

/**
 * Jackson decoding of resources. Jackson is optional: this class is only loaded by {@link
 * Notification#resource(Class)} after it checked that Jackson is on the class path.
 */
final class JacksonSupport {
    private JacksonSupport() {}

    private static final class Holder {
        static final ObjectMapper MAPPER = new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    static <T> T decode(String json, Class<T> type) {
        Objects.requireNonNull(type, "type");
        try {
            return Holder.MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new NotificationException(ErrorCode.MALFORMED_RESOURCE, describe(e, type));
        }
    }

    /** Where decoding failed, without quoting any of the (secret) data. */
    private static String describe(JsonProcessingException e, Class<?> type) {
        StringBuilder sb = new StringBuilder("decrypted resource does not match ")
                .append(type.getName());
        if (e instanceof JsonMappingException) {
            StringBuilder path = new StringBuilder("$");
            for (JsonMappingException.Reference ref : ((JsonMappingException) e).getPath()) {
                if (ref.getFieldName() != null) {
                    path.append('.').append(ref.getFieldName());
                } else if (ref.getIndex() >= 0) {
                    path.append('[').append(ref.getIndex()).append(']');
                }
            }
            sb.append(" at ").append(path);
        }
        JsonLocation loc = e.getLocation();
        if (loc != null) {
            sb.append(" (line ").append(loc.getLineNr()).append(", column ").append(loc.getColumnNr()).append(')');
        }
        sb.append(": ").append(e.getClass().getSimpleName());
        return sb.toString();
    }
}
