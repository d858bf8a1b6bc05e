package io.github.wechatpaynotify;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads a field of a generated model by the dotted path of tests/vectors (JSON keys as WeChat Pay
 * sends them, digits for list indexes): {@code promotion_detail.0.amount} is {@code
 * getPromotionDetail().get(0).getAmount()}, with each {@code Optional} unwrapped.
 */
final class EventFields {
    private EventFields() {}

    /** {@code partner_refund} → {@code partnerRefund}. */
    static String camel(String snake) {
        String pascal = pascal(snake);
        return Character.toLowerCase(pascal.charAt(0)) + pascal.substring(1);
    }

    /** {@code out_trade_no} → {@code OutTradeNo}. */
    static String pascal(String snake) {
        StringBuilder out = new StringBuilder();
        for (String part : snake.split("_", -1)) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return out.toString();
    }

    /**
     * The value at {@code path}: a {@code String}, {@code Long}, {@code Boolean}, model or list.
     *
     * @throws AssertionError when a step does not exist or an optional value is absent
     */
    static Object resolve(Object model, String path) {
        Object value = model;
        for (String step : path.split("\\.")) {
            if (step.chars().allMatch(Character::isDigit)) {
                if (!(value instanceof List)) {
                    throw new AssertionError(path + ": " + step + " indexes a " + value.getClass().getSimpleName());
                }
                List<?> list = (List<?>) value;
                int index = Integer.parseInt(step);
                if (index >= list.size()) {
                    throw new AssertionError(path + ": the list has " + list.size() + " items");
                }
                value = list.get(index);
            } else {
                value = unwrap(get(value, "get" + pascal(step), path), path);
            }
        }
        return value;
    }

    private static Object get(Object model, String getter, String path) {
        try {
            Method m = model.getClass().getMethod(getter);
            return m.invoke(model);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(path + ": " + model.getClass().getSimpleName() + " has no " + getter + "()", e);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new AssertionError(path + ": " + getter + "()", e);
        }
    }

    private static Object unwrap(Object value, String path) {
        if (value instanceof Optional) {
            return ((Optional<?>) value).orElseThrow(() -> new AssertionError(path + ": absent"));
        }
        if (value instanceof OptionalLong) {
            OptionalLong o = (OptionalLong) value;
            if (o.isEmpty()) {
                throw new AssertionError(path + ": absent");
            }
            return o.getAsLong();
        }
        return value;
    }
}
