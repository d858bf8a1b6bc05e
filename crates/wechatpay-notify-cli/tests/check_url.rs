//! `check-url` on good and bad notify_urls. No test depends on DNS beyond `localhost`.

mod common;

use common::run;

fn check(url: &str) -> (i32, serde_json::Value) {
    let r = run(&["check-url", "--json", url]);
    (r.code, r.json())
}

#[test]
fn good_urls_pass() {
    for url in [
        "https://1.2.3.4/wechatpay/notify",
        "https://8.8.8.8:8443/pay/notify",
        "https://[2400:3200::1]/wechatpay/notify",
    ] {
        let (code, doc) = check(url);
        assert_eq!(code, 0, "{url}: {doc}");
        assert_eq!(doc["ok"], true);
        assert!(doc["problems"].as_array().unwrap().is_empty());
        let notes = doc["notes"].as_array().unwrap();
        assert!(
            notes
                .iter()
                .any(|n| n.as_str().unwrap().contains("redirects")),
            "{doc}"
        );
        assert!(
            notes
                .iter()
                .any(|n| n.as_str().unwrap().contains("existing orders")),
            "{doc}"
        );
    }
}

#[test]
fn bad_urls_name_each_problem() {
    let cases = [
        ("http://1.2.3.4/notify", "https"),
        ("https://1.2.3.4/notify?order=42", "query string"),
        ("https://1.2.3.4/notify#top", "fragment"),
        ("https://127.0.0.1/notify", "loopback"),
        ("https://127.8.9.10/notify", "loopback"),
        ("https://[::1]/notify", "loopback"),
        ("https://10.0.0.8/notify", "private"),
        ("https://172.16.5.4/notify", "private"),
        ("https://192.168.1.20/notify", "private"),
        ("https://[fd12:3456::1]/notify", "unique local"),
        ("https://169.254.1.1/notify", "link-local"),
        ("https://[fe80::1]/notify", "link-local"),
        ("https://0.0.0.0/notify", "unspecified"),
        ("https://[::]/notify", "unspecified"),
        ("https://[::ffff:192.168.0.1]/notify", "private"),
        ("https://shop.invalid/notify", "never resolves"),
        ("https://u:p@1.2.3.4/notify", "user:password"),
        ("not a url", "not a valid"),
    ];
    for (url, needle) in cases {
        let (code, doc) = check(url);
        assert_eq!(code, 1, "{url}: {doc}");
        assert_eq!(doc["ok"], false);
        let problems = doc["problems"].as_array().unwrap();
        assert!(
            problems
                .iter()
                .any(|p| p.as_str().unwrap().contains(needle)),
            "{url}: no problem mentions {needle:?}: {doc}"
        );
    }
}

#[test]
fn localhost_is_resolved_and_found_to_be_loopback() {
    let (code, doc) = check("https://localhost/wechatpay/notify");
    assert_eq!(code, 1);
    let problems: Vec<&str> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("resolves to an address WeChat Pay cannot reach")),
        "{doc}"
    );
    let addrs = doc["addresses"].as_array().unwrap();
    assert!(!addrs.is_empty());
    for a in addrs {
        let ip: std::net::IpAddr = a.as_str().unwrap().parse().unwrap();
        assert!(ip.is_loopback());
    }
}

#[test]
fn text_output_marks_each_check() {
    let r = run(&["check-url", "http://127.0.0.1:8080/notify?x=1"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("✗ http: WeChat Pay requires https"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("✗ host 127.0.0.1 is loopback"));
    assert!(r.stdout.contains("3 problems found"), "{}", r.stdout);
    let r = run(&["check-url", "https://1.2.3.4/notify"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("no problem found"));
    assert!(!r.stdout.contains('\u{1b}'));
}
