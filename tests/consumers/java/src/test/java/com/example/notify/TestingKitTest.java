package com.example.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.github.wechatpaynotify.Notification;
import io.github.wechatpaynotify.events.EventKind;
import io.github.wechatpaynotify.testing.Failure;
import io.github.wechatpaynotify.testing.Kit;
import io.github.wechatpaynotify.testing.TestCallback;
import java.util.List;
import java.util.Map;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * The application configured with the testing kit's keys (the released jar's
 * io.github.wechatpaynotify.testing), as a merchant tests its endpoint: the kit's callbacks
 * through MockMvc, a payment accepted and every failure refused.
 */
@SpringBootTest
@AutoConfigureMockMvc
class TestingKitTest {
    /** A WeChat Pay with throwaway TEST keys, for this class. */
    private static final Kit KIT = Kit.create();

    @DynamicPropertySource
    static void kitKeys(DynamicPropertyRegistry registry) {
        registry.add("wechatpay.apiv3-key", KIT::apiV3Key);
        registry.add("wechatpay.public-key-id", KIT::keyId);
        registry.add("wechatpay.public-key", KIT::publicKeyPem);
    }

    @AfterAll
    static void closeKit() {
        KIT.close();
    }

    @Autowired
    private MockMvc mvc;

    @Autowired
    private NotificationLog log;

    private ResultActions send(TestCallback callback) throws Exception {
        MockHttpServletRequestBuilder request = post("/wechatpay/notify").content(callback.body());
        callback.headers().forEach(request::header);
        return mvc.perform(request);
    }

    @Test
    void aPaymentIsAccepted() throws Exception {
        TestCallback paid = KIT.notification(EventKind.TRANSACTION)
                .merge(Map.of("out_trade_no", "ORDER-MOCKMVC", "amount", Map.of("total", 500)))
                .build();
        send(paid).andExpect(status().isNoContent()).andExpect(content().bytes(new byte[0]));
        List<Notification> accepted = log.accepted();
        Notification n = accepted.get(accepted.size() - 1);
        assertEquals(paid.id(), n.id());
        assertEquals(KIT.keyId(), n.serial());
        assertEquals("ORDER-MOCKMVC", n.transaction().getOutTradeNo());
        assertEquals(500, n.transaction().getAmount().getTotal());
    }

    @Test
    void everyFailureIsRefusedWithItsCode() throws Exception {
        int before = log.accepted().size();
        for (Failure failure : Failure.values()) {
            TestCallback bad = KIT.notification(EventKind.REFUND).failure(failure).build();
            send(bad)
                    .andExpect(status().is(failure.expectedCode().isAuthenticity() ? 401 : 500))
                    .andExpect(jsonPath("$.code").value("FAIL"))
                    .andExpect(jsonPath("$.message").value(Matchers.startsWith(failure.expectedCode().name())));
        }
        assertEquals(before, log.accepted().size(), "a refused callback reached the application");
    }
}
