// Rebuild when embedded files change: migrations (diesel's embed_migrations!), the message
// catalogs (include_str!) and static files (rust-embed in release builds).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=static");
    println!("cargo:rerun-if-changed=templates");
}
