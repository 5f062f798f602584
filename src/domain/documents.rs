//! Questionnaire attachments: what kinds, which file types, how large.

use super::questionnaire::FieldError;

pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_FILES: i64 = 5;
/// All of one draft's documents together.
pub const MAX_TOTAL_BYTES: i64 = 30 * 1024 * 1024;

/// What a document is, as the applicant says.
pub const KINDS: [&str; 4] = ["brn_certificate", "financial_statements", "patent_spec", "other"];

/// The accepted types: recognised by their first bytes, and the name's extension must agree.
/// Returns the content type to serve the file with.
pub fn detect(file_name: &str, bytes: &[u8]) -> Result<&'static str, &'static str> {
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let detected = if infer::archive::is_pdf(bytes) {
        Some(("application/pdf", &["pdf"][..]))
    } else if infer::image::is_png(bytes) {
        Some(("image/png", &["png"][..]))
    } else if infer::image::is_jpeg(bytes) {
        Some(("image/jpeg", &["jpg", "jpeg"][..]))
    } else if infer::archive::is_msi(bytes) {
        // The OLE compound-file signature: HWP 5 documents are such files.
        Some(("application/x-hwp", &["hwp"][..]))
    } else if infer::archive::is_zip(bytes) {
        // HWPX is a zip container.
        Some(("application/hwp+zip", &["hwpx"][..]))
    } else {
        None
    };
    match detected {
        Some((content_type, exts)) if exts.contains(&ext.as_str()) => Ok(content_type),
        _ => Err("apply.error.file_type"),
    }
}

/// The name to show: the last path segment, without control characters, at most 120 chars.
pub fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    if cleaned.trim().is_empty() { "document".to_owned() } else { cleaned.trim().to_owned() }
}

pub fn check_kind(kind: &str) -> Result<(), FieldError> {
    if KINDS.contains(&kind) { Ok(()) } else { Err(FieldError { field: "kind", key: "apply.error.choose" }) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_recognised_by_content_and_extension_together() {
        assert_eq!(detect("사업자등록증.pdf", b"%PDF-1.7\n..."), Ok("application/pdf"));
        assert_eq!(detect("scan.JPG", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Ok("image/jpeg"));
        assert_eq!(detect("a.png", b"\x89PNG\r\n\x1a\n0000"), Ok("image/png"));
        assert_eq!(detect("명세서.hwp", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]), Ok("application/x-hwp"));
        assert_eq!(detect("명세서.hwpx", b"PK\x03\x04rest"), Ok("application/hwp+zip"));
        assert!(detect("virus.exe", b"MZ\x90\x00").is_err());
        assert!(detect("fake.pdf", b"MZ\x90\x00").is_err(), "content decides");
        assert!(detect("report.pdf.exe", b"%PDF-1.4").is_err(), "extension must agree");
        assert!(detect("noext", b"%PDF-1.4").is_err());
    }

    #[test]
    fn names_lose_paths_and_control_characters() {
        assert_eq!(clean_name("C:\\Users\\kim\\재무제표.pdf"), "재무제표.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}b\n.pdf"), "ab.pdf");
        assert_eq!(clean_name(""), "document");
    }
}
