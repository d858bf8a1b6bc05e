package io.github.wechatpaynotify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The JNA structures have the layout of include/wechatpay_notify.h on a 64-bit platform
 * (pointers, {@code size_t} and {@code int64_t} 8 bytes, {@code uint16_t} 2, 8-byte alignment).
 */
class LayoutTest {

    @Test
    void structuresMatchTheCHeader() {
        assertEquals(16, new Lib.Str().size());
        assertEquals(8, new Lib.Str().offsetOf("len"));
        assertEquals(16, new Lib.Slice().size());

        Lib.Header h = new Lib.Header();
        assertEquals(32, h.size());
        assertEquals(0, h.offsetOf("name"));
        assertEquals(8, h.offsetOf("name_len"));
        assertEquals(16, h.offsetOf("value"));
        assertEquals(24, h.offsetOf("value_len"));

        Lib.Envelope e = new Lib.Envelope();
        String[] strings = {
            "id", "create_time", "event_type", "resource_type", "summary", "original_type", "serial", "plaintext",
            "kind", "mchid"
        };
        for (int i = 0; i < strings.length; i++) {
            assertEquals(16 * i, e.offsetOf(strings[i]), strings[i]);
        }
        assertEquals(160, e.offsetOf("timestamp"));
        assertEquals(168, e.size());

        Lib.HttpResponse r = new Lib.HttpResponse();
        assertEquals(0, r.offsetOf("status"));
        assertEquals(8, r.offsetOf("content_type"));
        assertEquals(24, r.offsetOf("body"));
        assertEquals(40, r.size());

        Lib.Certificate c = new Lib.Certificate();
        assertEquals(0, c.offsetOf("serial_no"));
        assertEquals(16, c.offsetOf("effective_time"));
        assertEquals(32, c.offsetOf("expire_time"));
        assertEquals(48, c.offsetOf("not_before"));
        assertEquals(56, c.offsetOf("not_after"));
        assertEquals(64, c.offsetOf("pem"));
        assertEquals(80, c.size());

        Lib.Field f = new Lib.Field();
        assertEquals(0, f.offsetOf("name"));
        assertEquals(16, f.offsetOf("value"));
        assertEquals(32, f.size());

        assertEquals(16, new Lib.StrValue().size());
        assertEquals(8, new Lib.StrValue().offsetOf("len"));

        Lib.KitInfo k = new Lib.KitInfo();
        String[] info = {"key_id", "public_key_pem", "certificate_pem", "apiv3_key", "v2_key"};
        for (int i = 0; i < info.length; i++) {
            assertEquals(16 * i, k.offsetOf(info[i]), info[i]);
        }
        assertEquals(80, k.size());

        Lib.KitRequest q = new Lib.KitRequest();
        String[] request = {"kind", "event_type", "original_type", "resource_json", "merge_json", "id"};
        for (int i = 0; i < request.length; i++) {
            assertEquals(16 * i, q.offsetOf(request[i]), request[i]);
        }
        assertEquals(96, q.offsetOf("timestamp"));
        assertEquals(104, q.offsetOf("failure"));
        assertEquals(120, q.size());

        Lib.CallbackParts p = new Lib.CallbackParts();
        assertEquals(0, p.offsetOf("headers"));
        assertEquals(8, p.offsetOf("headers_len"));
        assertEquals(16, p.offsetOf("body"));
        assertEquals(32, p.offsetOf("id"));
        assertEquals(48, p.size());
    }
}
