package com.example.notify;

import io.github.wechatpaynotify.Notification;
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
        return List.copyOf(accepted);
    }
}
