//! The `wechatpay-notify` binary; see the library crate for the subcommands.

fn main() -> std::process::ExitCode {
    wechatpay_notify_cli::main()
}
