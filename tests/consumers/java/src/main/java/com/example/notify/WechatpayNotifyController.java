package com.example.notify;

import io.github.wechatpaynotify.Headers;
import io.github.wechatpaynotify.Notification;
import io.github.wechatpaynotify.NotificationException;
import io.github.wechatpaynotify.Reply;
import io.github.wechatpaynotify.Verifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The APIv3 callback endpoint: the raw body as received (a re-serialized JSON object would
 * break the signature) and the headers go to {@link Verifier#parse}; the answer is 204, or
 * the status and JSON body of {@link Reply#failure} (401 or 500) so that WeChat Pay retries.
 */
@RestController
public class WechatpayNotifyController {
    private static final Logger LOG = LoggerFactory.getLogger(WechatpayNotifyController.class);

    private final Verifier verifier;
    private final NotificationLog log;

    public WechatpayNotifyController(Verifier verifier, NotificationLog log) {
        this.verifier = verifier;
        this.log = log;
    }

    @PostMapping("/wechatpay/notify")
    public ResponseEntity<byte[]> notify(@RequestHeader HttpHeaders headers, @RequestBody byte[] body) {
        Reply reply;
        try {
            Notification notification = verifier.parse(Headers.fromMultiMap(headers), body);
            log.add(notification);
            reply = Reply.success();
        } catch (NotificationException e) {
            LOG.warn("refused a callback: {}", e.getMessage());
            reply = Reply.failure(e);
        }
        ResponseEntity.BodyBuilder response = ResponseEntity.status(reply.status());
        reply.contentType().ifPresent(type -> response.contentType(MediaType.parseMediaType(type)));
        return reply.body().isEmpty() ? response.build() : response.body(reply.bodyBytes());
    }
}
