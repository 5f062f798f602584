//! The `onestop` command line: help everywhere, migrate, demo, user add.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::helpers::TestDatabase;

fn onestop(db: &TestDatabase) -> Command {
    crate::helpers::onestop_command(db)
}

/// Runs the command with `input` piped to its standard input.
fn with_stdin(cmd: &mut Command, input: &[u8]) -> std::process::Output {
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn every_command_has_help() {
    let db = TestDatabase::new();
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["migrate", "--help"],
        &["demo", "--help"],
        &["purge", "--help"],
        &["mail", "--help"],
        &["mail", "send", "--help"],
        &["user", "--help"],
        &["user", "add", "--help"],
    ] {
        let out = onestop(&db).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("Usage:"), "{args:?}: {text}");
    }
    let text = String::from_utf8(onestop(&db).arg("--help").output().unwrap().stdout).unwrap();
    for flag in ["--listen", "--database", "--base-url", "--data-dir", "--secret", "--log"] {
        assert!(text.contains(flag), "{flag} missing from --help");
    }
}

#[test]
fn migrate_then_demo_then_user_add_with_a_piped_password() {
    let db = TestDatabase::new();
    let out = onestop(&db).arg("migrate").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("up to date (0 pending)"));

    let out = onestop(&db).arg("demo").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    for email in [
        "admin@gyeongnam.example",
        "staff@gyeongnam.example",
        "legal@gyeongnam.example",
        "finance@gyeongnam.example",
        "ip@gyeongnam.example",
    ] {
        assert!(text.contains(email), "{text}");
    }
    // A second run creates nothing and prints no password.
    assert!(text.contains("sample cases at the demo center: 6"), "{text}");
    let again = String::from_utf8(onestop(&db).arg("demo").output().unwrap().stdout).unwrap();
    assert!(again.contains("no new demo accounts"), "{again}");
    assert!(again.contains("sample cases at the demo center: 0"), "loaded once: {again}");

    let out = with_stdin(
        onestop(&db).args([
            "user",
            "add",
            "--center",
            "busan",
            "--role",
            "expert",
            "--zone",
            "ip",
            "--name",
            "김변리",
            "patent@busan.example",
        ]),
        b"a long piped password\n",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("created expert account"), "{text}");
    assert!(!text.contains("password (shown once)"), "a piped password is not printed");

    let mut conn = onestop::db::build_pool(&db.url, 1, onestop::db::LOCK_WAIT).unwrap().get().unwrap();
    let user = onestop::db::users::by_email(&mut conn, "patent@busan.example").unwrap().unwrap();
    assert!(onestop::services::passwords::verify("a long piped password", &user.password_hash));
    assert_eq!(user.role, "expert");
}

#[test]
fn user_add_generates_a_password_and_refuses_bad_input_clearly() {
    let db = TestDatabase::new();
    // No stdin content: a password is generated and printed once.
    let out = onestop(&db)
        .args(["user", "add", "--center", "seoul", "--role", "admin", "boss@seoul.example"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text.lines().find(|l| l.starts_with("password (shown once): ")).expect("a generated password");
    assert_eq!(line.trim_start_matches("password (shown once): ").len(), 20);

    let cases: [(&[&str], &str); 5] = [
        (&["--center", "atlantis", "--role", "staff", "a@b.example"], "no center with the slug"),
        (&["--center", "seoul", "--role", "expert", "c@d.example"], "needs --zone"),
        (&["--center", "seoul", "--role", "staff", "--zone", "legal", "e@f.example"], "only experts"),
        (&["--center", "seoul", "--role", "staff", "not-an-email"], "not an email address"),
        (&["--center", "seoul", "--role", "admin", "BOSS@seoul.example"], "exists already"),
    ];
    for (args, expected) in cases {
        let out = onestop(&db).args(["user", "add"]).args(args).stdin(Stdio::null()).output().unwrap();
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    let short = with_stdin(
        onestop(&db).args(["user", "add", "--center", "seoul", "--role", "staff", "s@seoul.example"]),
        b"short\n",
    );
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 8 characters"));
}
