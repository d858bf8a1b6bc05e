package com.example.notify;

import io.github.wechatpaynotify.Notification;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.stereotype.Component;

/** The notifications the endpoint accepted, in order (a real backend stores them by id). */
@Component
public class NotificationLog {
    private final List<Notification> accepted = new CopyOnWriteArrayList<>();

    void add(Notification notification) {
        accepted.add(notification);
    }

    public List<Notification> accepted() {
        // Java 8 (Spring Boot 2.7): no List.copyOf.
        return Collections.unmodifiableList(new ArrayList<>(accepted));
    }
}
