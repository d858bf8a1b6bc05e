//! Keys are wiped before their memory is freed: a global allocator scans every block on
//! deallocation for the key bytes. A control block that is not wiped proves the scan works.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use wechatpay_notify::v2::V2Verifier;
use wechatpay_notify::{Apiv3Key, Verifier};

const APIV3_KEY: &[u8; 32] = b"zeroize-probe-apiv3-key-7f3a9c21";
const V2_KEY: &[u8; 32] = b"zeroize-probe-apiv2-key-5e8b0d44";
const PUBLIC_KEY: &str = include_str!("../../../tests/vectors/keys/test-platform-b.pub.pem");

static SCANNING: AtomicBool = AtomicBool::new(false);
static FOUND: AtomicUsize = AtomicUsize::new(0);

struct Scanner;

fn contains(block: &[u8], needle: &[u8]) -> bool {
    block.windows(needle.len()).any(|w| w == needle)
}

unsafe impl GlobalAlloc for Scanner {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if SCANNING.load(Ordering::SeqCst) && layout.size() >= 16 {
            let block = std::slice::from_raw_parts(ptr, layout.size());
            // The first 16 key bytes are also AES-256's first round key.
            if contains(block, &APIV3_KEY[..16]) || contains(block, &V2_KEY[..16]) {
                FOUND.fetch_add(1, Ordering::SeqCst);
            }
        }
        // Wipe every freed block, so a later allocation cannot carry stale key bytes into a
        // block that is scanned when it is freed in turn.
        std::ptr::write_bytes(ptr, 0, layout.size());
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Scanner = Scanner;

fn found_while(f: impl FnOnce()) -> usize {
    FOUND.store(0, Ordering::SeqCst);
    SCANNING.store(true, Ordering::SeqCst);
    f();
    SCANNING.store(false, Ordering::SeqCst);
    FOUND.load(Ordering::SeqCst)
}

#[test]
fn keys_are_wiped_before_their_memory_is_freed() {
    // Control: a heap copy of the key that is not wiped is seen.
    assert_eq!(found_while(|| drop(Box::new(*APIV3_KEY))), 1);

    // The builder's copy, the verifier's expanded AES-GCM key, and a clone of it.
    let seen = found_while(|| {
        let verifier = Box::new(
            Verifier::builder()
                .apiv3_key(APIV3_KEY)
                .public_key("PUB_KEY_ID_1", PUBLIC_KEY)
                .build()
                .unwrap(),
        );
        let clone = Box::new((*verifier).clone());
        drop(verifier);
        drop(clone);
    });
    assert_eq!(seen, 0, "an APIv3 key was freed without being wiped");

    assert_eq!(
        found_while(|| drop(Box::new(Apiv3Key::new(APIV3_KEY).unwrap()))),
        0
    );

    // The APIv2 key and the refund key derived from it.
    let seen = found_while(|| {
        let v2 = Box::new(V2Verifier::new(V2_KEY).unwrap());
        let _ = v2.parse_payment(b"<xml><return_code>SUCCESS</return_code><sign>00</sign></xml>");
        drop(v2);
    });
    assert_eq!(seen, 0, "an APIv2 key was freed without being wiped");
}
