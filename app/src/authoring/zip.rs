//! Course zips: download a course as `<slug>/…` in its folder format, upload one to create or
//! update a course.
//!
//! Dependency (Cargo.toml):
//! `zip = { version = "9.8", default-features = false, features = ["deflate"] }`
//!
//! Uploads are untrusted: [`read_zip`] refuses unsafe names, links, encryption, too many entries
//! and too many decompressed bytes (counted while inflating, not taken from the headers), and it
//! never "repairs" a name. The crate is always named `::zip` because the host module is `zip` too.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{Cursor, Read, Write};

/// Most entries (files, directories, anything) an uploaded zip may list.
pub const MAX_ENTRIES: usize = 500;
/// Most bytes all entries of an uploaded zip may inflate to, together.
pub const MAX_UNCOMPRESSED: u64 = 50 * 1024 * 1024;

/// Unix file-type bits of an entry's mode.
const S_IFMT: u32 = 0o170_000;
const S_IFREG: u32 = 0o100_000;
const S_IFDIR: u32 = 0o040_000;
const S_IFLNK: u32 = 0o120_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipError {
    NotZip,
    TooManyEntries(usize),
    TooLarge,
    UnsafePath(String),
    Link(String),
    Encrypted(String),
    Damaged(String),
    Empty,
    SeveralCourses,
}

impl ZipError {
    /// Stable machine-readable code, e.g. for API responses and UI translations.
    pub fn code(&self) -> &'static str {
        match self {
            ZipError::NotZip => "not_zip",
            ZipError::TooManyEntries(_) => "too_many_entries",
            ZipError::TooLarge => "too_large",
            ZipError::UnsafePath(_) => "unsafe_path",
            ZipError::Link(_) => "link",
            ZipError::Encrypted(_) => "encrypted",
            ZipError::Damaged(_) => "damaged",
            ZipError::Empty => "empty",
            ZipError::SeveralCourses => "several_courses",
        }
    }
}

impl fmt::Display for ZipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ZipError::NotZip => write!(f, "the upload is not a readable zip archive"),
            ZipError::TooManyEntries(n) => {
                write!(
                    f,
                    "the zip has {n} entries, more than the {MAX_ENTRIES} allowed"
                )
            }
            ZipError::TooLarge => write!(
                f,
                "the zip unpacks to more than {} MiB",
                MAX_UNCOMPRESSED / (1024 * 1024)
            ),
            ZipError::UnsafePath(name) => write!(f, "unsafe entry name {name:?}"),
            ZipError::Link(name) => write!(f, "entry {name:?} is a link or special file"),
            ZipError::Encrypted(name) => write!(f, "entry {name:?} is encrypted"),
            ZipError::Damaged(name) => write!(f, "entry {name:?} is damaged"),
            ZipError::Empty => write!(f, "the zip contains no course files"),
            ZipError::SeveralCourses => {
                write!(
                    f,
                    "the zip holds several top-level folders, expected one course"
                )
            }
        }
    }
}

impl std::error::Error for ZipError {}

/// A course read from a zip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipCourse {
    /// The single top-level folder the files sat in; `None` when they sat at the root.
    pub slug: Option<String>,
    /// Path relative to the course folder, `/`-separated → bytes.
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Packs `files` (path relative to the course folder with `/` separators → bytes) as
/// `<slug>/<path>` entries.
///
/// Deterministic: the same input gives byte-identical output (sorted entries, fixed 1980-01-01
/// timestamp, mode 0o644, Deflated, no extra fields or comments), so downloads can be compared
/// and cached. `slug` and the paths are trusted here (they come from our own storage).
pub fn write_zip(slug: &str, files: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    debug_assert!(!slug.is_empty() && !slug.contains('/'), "bad slug {slug:?}");
    // Every option spelled out: defaults may change with crate features (the `time` feature
    // makes the default timestamp "now").
    let options = ::zip::write::SimpleFileOptions::default()
        .compression_method(::zip::CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(::zip::DateTime::default())
        .unix_permissions(0o644)
        .large_file(false);
    let mut writer = ::zip::ZipWriter::new(Cursor::new(Vec::new()));
    // BTreeMap iterates in sorted order, which fixes the entry order.
    for (path, bytes) in files {
        writer
            .start_file(format!("{slug}/{path}"), options)
            .and_then(|()| writer.write_all(bytes).map_err(Into::into))
            .expect("writing a zip into memory cannot fail");
    }
    writer
        .finish()
        .expect("writing a zip into memory cannot fail")
        .into_inner()
}

/// Reads an uploaded course zip. See the module docs for what is refused.
pub fn read_zip(bytes: &[u8]) -> Result<ZipCourse, ZipError> {
    let mut archive = ::zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ZipError::NotZip)?;

    // The central directory is parsed, no entry data read yet.
    let count = archive.len();
    if count > MAX_ENTRIES {
        return Err(ZipError::TooManyEntries(count));
    }
    // ZipArchive keeps only one entry per name; a second hidden copy could mean different
    // content to different unzippers, so refuse rather than pick one.
    if archive.has_duplicate_names() {
        return Err(ZipError::Damaged("(duplicate entry names)".to_owned()));
    }

    // Pass 1, metadata only: vet every entry before inflating anything.
    let mut wanted: Vec<(usize, String)> = Vec::new();
    let mut declared: u64 = 0;
    for index in 0..count {
        let entry = archive
            .by_index_data(index)
            .map_err(|_| ZipError::Damaged(format!("#{index}")))?;
        let name = checked_name(entry.name_raw(), entry.name().ok().as_deref())?;
        let file_type = entry.unix_mode().map_or(0, |mode| mode & S_IFMT);
        if entry.is_symlink() || file_type == S_IFLNK || !matches!(file_type, 0 | S_IFREG | S_IFDIR)
        {
            return Err(ZipError::Link(name));
        }
        if entry.encrypted() {
            return Err(ZipError::Encrypted(name));
        }
        if entry.is_dir() || file_type == S_IFDIR || is_ignored(&name) {
            continue;
        }
        // Headers may lie low but never make us accept more: a high claim is refused early,
        // the real guard is the byte count in pass 2.
        declared = declared.saturating_add(entry.size());
        if declared > MAX_UNCOMPRESSED {
            return Err(ZipError::TooLarge);
        }
        wanted.push((index, name));
    }

    let (slug, wanted) = split_course_folder(wanted)?;

    // Pass 2: inflate with a running total.
    let mut remaining = MAX_UNCOMPRESSED;
    let mut files = BTreeMap::new();
    for (index, full_name, path) in wanted {
        let entry = archive
            .by_index(index)
            .map_err(|_| ZipError::Damaged(full_name.clone()))?;
        let data = read_capped(entry, remaining)
            .map_err(|_| ZipError::Damaged(full_name))?
            .ok_or(ZipError::TooLarge)?;
        remaining -= data.len() as u64;
        files.insert(path, data);
    }
    Ok(ZipCourse { slug, files })
}

/// Reads at most `limit` bytes; `Ok(None)` when there is more. Counts what the decompressor
/// actually yields, whatever the headers said, and stops one byte past the limit so a bomb is
/// never inflated further. Errors are deflate or CRC failures.
fn read_capped<R: Read>(reader: R, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut out = Vec::new();
    let copied = std::io::copy(&mut reader.take(limit + 1), &mut out)?;
    Ok((copied <= limit).then_some(out))
}

/// Validates an entry name as given (never rewritten) and returns it without a trailing `/`.
/// `decoded` is the crate's reading of the raw bytes (UTF-8, else CP437).
fn checked_name(raw: &[u8], decoded: Option<&str>) -> Result<String, ZipError> {
    let shown = decoded.map_or_else(|| String::from_utf8_lossy(raw).into_owned(), str::to_owned);
    let unsafe_path = || ZipError::UnsafePath(shown.clone());
    let name = decoded.ok_or_else(unsafe_path)?;
    // Checked on the raw bytes too, in case decoding or a Unicode-path field hid them.
    if raw.contains(&0) || raw.contains(&b'\\') || name.contains(['\0', '\\']) {
        return Err(unsafe_path());
    }
    let trimmed = name.strip_suffix('/').unwrap_or(name);
    let bytes = trimmed.as_bytes();
    // `/x` is absolute; `C:x`, `C:/x` are drive paths on Windows.
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if trimmed.is_empty() || trimmed.starts_with('/') || drive {
        return Err(unsafe_path());
    }
    // Empty components also catch `a//b` and a trailing `//`; `.` would alias another path.
    if trimmed
        .split('/')
        .any(|c| c.is_empty() || c == "." || c == "..")
    {
        return Err(unsafe_path());
    }
    Ok(trimmed.to_owned())
}

/// OS clutter that zip tools add: `__MACOSX/…`, `.DS_Store`, and dotfiles or dot folders.
fn is_ignored(name: &str) -> bool {
    name.split('/')
        .any(|c| c == "__MACOSX" || c.starts_with('.'))
}

type Located = Vec<(usize, String, String)>;

/// Finds the course folder: one top-level folder holding every file becomes the slug and is
/// stripped; files at the root mean no folder. Returns (index, full name, course path).
fn split_course_folder(
    wanted: Vec<(usize, String)>,
) -> Result<(Option<String>, Located), ZipError> {
    if wanted.is_empty() {
        return Err(ZipError::Empty);
    }
    if wanted.iter().any(|(_, name)| !name.contains('/')) {
        let located = wanted
            .into_iter()
            .map(|(i, name)| (i, name.clone(), name))
            .collect();
        return Ok((None, located));
    }
    let top = |name: &str| name.split_once('/').map(|(first, _)| first.to_owned());
    let slug = top(&wanted[0].1);
    if wanted.iter().any(|(_, name)| top(name) != slug) {
        return Err(ZipError::SeveralCourses);
    }
    let located = wanted
        .into_iter()
        .map(|(i, name)| {
            let path = name.split_once('/').map(|(_, rest)| rest.to_owned());
            (i, name.clone(), path.unwrap_or_default())
        })
        .collect();
    Ok((slug, located))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::zip::write::SimpleFileOptions;

    fn stored() -> SimpleFileOptions {
        SimpleFileOptions::default().compression_method(::zip::CompressionMethod::Stored)
    }

    fn deflated() -> SimpleFileOptions {
        SimpleFileOptions::default().compression_method(::zip::CompressionMethod::Deflated)
    }

    /// A zip built by the crate's writer, bypassing `write_zip`'s layout.
    fn raw_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = ::zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            w.start_file(*name, stored()).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn course() -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        files.insert(
            "course.toml".to_owned(),
            "title = \"Quản trị hợp tác xã\"\n".as_bytes().to_vec(),
        );
        files.insert(
            "01-lesson.md".to_owned(),
            b"# Bai 1\n\nNoi dung.\n".to_vec(),
        );
        files.insert(
            "08-quiz.quiz.md".to_owned(),
            "# Kiểm tra\n- [x] Đúng\n".as_bytes().to_vec(),
        );
        let jpeg: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
        files.insert("images/a.jpg".to_owned(), jpeg);
        files
    }

    #[test]
    fn round_trip_and_determinism() {
        let files = course();
        let zipped = write_zip("quan-tri-htx", &files);
        let read = read_zip(&zipped).unwrap();
        assert_eq!(read.slug.as_deref(), Some("quan-tri-htx"));
        assert_eq!(read.files, files);
        assert_eq!(write_zip("quan-tri-htx", &files), zipped);
        assert_eq!(write_zip("quan-tri-htx", &read.files), zipped);
    }

    #[test]
    fn written_entries_are_fixed_and_plain() {
        let zipped = write_zip("k", &course());
        let mut archive = ::zip::ZipArchive::new(Cursor::new(&zipped[..])).unwrap();
        let names: Vec<String> = archive
            .file_names()
            .map(|n| n.unwrap().into_owned())
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "entries in sorted order");
        assert_eq!(names.len(), 4, "files only, no directory entries");
        for i in 0..archive.len() {
            let entry = archive.by_index(i).unwrap();
            assert_eq!(entry.compression(), ::zip::CompressionMethod::Deflated);
            assert_eq!(entry.unix_mode().unwrap() & 0o777, 0o644);
            assert_eq!(entry.last_modified(), Some(::zip::DateTime::default()));
            assert!(entry.extra_data_fields().next().is_none());
            assert!(entry.comment().is_empty());
        }
        assert!(archive.comment().is_empty());
        // Local headers carry no extra field either (length at offset 28).
        assert_eq!(&zipped[..4], b"PK\x03\x04");
        assert_eq!(&zipped[28..30], &[0, 0]);
    }

    #[test]
    fn unsafe_names_are_refused() {
        for name in [
            "khoa/../../etc/passwd",
            "/etc/passwd",
            "khoa\\..\\x",
            "C:\\x",
            "C:/x",
            "khoa//x",
            "khoa/./x",
            "..",
            "khoa/a\0b",
        ] {
            let got = read_zip(&raw_zip(&[(name, b"x")]));
            assert_eq!(got, Err(ZipError::UnsafePath(name.to_owned())), "{name:?}");
        }
        // A bad name is refused even next to good files and even as a directory.
        let mut w = ::zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file("khoa/course.toml", stored()).unwrap();
        w.add_directory("khoa/../up/", stored()).unwrap();
        let got = read_zip(&w.finish().unwrap().into_inner());
        assert_eq!(got, Err(ZipError::UnsafePath("khoa/../up/".to_owned())));
    }

    #[test]
    fn symlink_is_refused() {
        let mut w = ::zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file("khoa/course.toml", stored()).unwrap();
        w.add_symlink("khoa/link", "/etc/passwd", stored()).unwrap();
        let got = read_zip(&w.finish().unwrap().into_inner());
        assert_eq!(got, Err(ZipError::Link("khoa/link".to_owned())));
    }

    #[test]
    fn encrypted_entry_is_refused() {
        // Set the "encrypted" flag (bit 0) in the local and central headers by hand, so no
        // unstable encryption API is needed.
        let mut bytes = raw_zip(&[("khoa/course.toml", b"secret")]);
        assert_eq!(&bytes[..4], b"PK\x03\x04");
        bytes[6] |= 1;
        let central = bytes.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        bytes[central + 8] |= 1;
        assert_eq!(
            read_zip(&bytes),
            Err(ZipError::Encrypted("khoa/course.toml".to_owned()))
        );
    }

    /// One Deflated entry of `len` zeros, streamed so the test never holds them.
    fn add_zeros(w: &mut ::zip::ZipWriter<Cursor<Vec<u8>>>, name: &str, len: u64) {
        w.start_file(name, deflated()).unwrap();
        std::io::copy(&mut std::io::repeat(0).take(len), w).unwrap();
    }

    #[test]
    fn zip_bomb_is_refused() {
        let mut w = ::zip::ZipWriter::new(Cursor::new(Vec::new()));
        add_zeros(&mut w, "khoa/zeros.bin", 60 * 1024 * 1024);
        let bomb = w.finish().unwrap().into_inner();
        assert!(bomb.len() < 1024 * 1024, "bomb is {} bytes", bomb.len());
        let start = std::time::Instant::now();
        assert_eq!(read_zip(&bomb), Err(ZipError::TooLarge));
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn many_entries_over_the_total_are_refused() {
        let mut w = ::zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..51 {
            add_zeros(&mut w, &format!("khoa/{i:02}.bin"), 1024 * 1024);
        }
        let bytes = w.finish().unwrap().into_inner();
        assert_eq!(read_zip(&bytes), Err(ZipError::TooLarge));
    }

    #[test]
    fn byte_count_ignores_what_headers_claim() {
        // The path a lying header would take: a decompressor yielding more than the cap is
        // cut off one byte past it (finite source, so a broken cap fails instead of OOMing).
        struct Counting<R>(R, u64);
        impl<R: Read> Read for Counting<R> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.read(buf)?;
                self.1 += n as u64;
                Ok(n)
            }
        }
        let mut source = Counting(std::io::repeat(0).take(1_000_000), 0);
        assert_eq!(read_capped(&mut source, 1000).unwrap(), None);
        assert_eq!(source.1, 1001, "stopped one byte past the cap");
        assert_eq!(
            read_capped(&[7u8; 1000][..], 1000).unwrap(),
            Some(vec![7u8; 1000])
        );
        // Exactly at the limit across entries is still fine.
        let mut w = ::zip::ZipWriter::new(Cursor::new(Vec::new()));
        add_zeros(&mut w, "khoa/a.bin", MAX_UNCOMPRESSED / 2);
        add_zeros(&mut w, "khoa/b.bin", MAX_UNCOMPRESSED / 2);
        let read = read_zip(&w.finish().unwrap().into_inner()).unwrap();
        assert_eq!(read.files.len(), 2);
    }

    #[test]
    fn too_many_entries() {
        let names: Vec<String> = (0..501).map(|i| format!("khoa/{i}.md")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
        assert_eq!(
            read_zip(&raw_zip(&entries)),
            Err(ZipError::TooManyEntries(501))
        );
        // 500 is allowed.
        assert_eq!(
            read_zip(&raw_zip(&entries[..500])).unwrap().files.len(),
            500
        );
    }

    #[test]
    fn layout_and_clutter() {
        let root = read_zip(&raw_zip(&[("course.toml", b"t"), ("images/a.jpg", b"j")])).unwrap();
        assert_eq!(root.slug, None);
        assert_eq!(
            root.files.keys().collect::<Vec<_>>(),
            ["course.toml", "images/a.jpg"]
        );

        let two = raw_zip(&[("a/course.toml", b"t"), ("b/course.toml", b"t")]);
        assert_eq!(read_zip(&two), Err(ZipError::SeveralCourses));

        let mut w = ::zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.add_directory("khoa/", stored()).unwrap();
        w.add_directory("khoa/images/", stored()).unwrap();
        w.start_file("__MACOSX/x", stored()).unwrap();
        w.start_file("__MACOSX/khoa/._course.toml", stored())
            .unwrap();
        w.start_file("khoa/.DS_Store", stored()).unwrap();
        assert_eq!(
            read_zip(&w.finish().unwrap().into_inner()),
            Err(ZipError::Empty)
        );

        // Clutter does not count as a second course folder.
        let mac = raw_zip(&[
            ("khoa/course.toml", b"t"),
            ("__MACOSX/khoa/._course.toml", b"m"),
            (".DS_Store", b"d"),
            ("khoa/images/.hidden", b"h"),
        ]);
        let read = read_zip(&mac).unwrap();
        assert_eq!(read.slug.as_deref(), Some("khoa"));
        assert_eq!(read.files.keys().collect::<Vec<_>>(), ["course.toml"]);

        assert_eq!(read_zip(&raw_zip(&[])), Err(ZipError::Empty));
    }

    #[test]
    fn not_a_zip() {
        let noise: Vec<u8> = (0..10_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert_eq!(read_zip(&noise), Err(ZipError::NotZip));
        assert_eq!(read_zip(b""), Err(ZipError::NotZip));
        assert_eq!(read_zip(b"PK\x03\x04 truncated"), Err(ZipError::NotZip));
    }

    #[test]
    fn corrupted_data_is_damaged() {
        let text: Vec<u8> = (0..20_000u32)
            .flat_map(|i| format!("dong {i} ").into_bytes())
            .collect();
        let mut w = ::zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file("khoa/01-lesson.md", deflated()).unwrap();
        w.write_all(&text).unwrap();
        let good = w.finish().unwrap().into_inner();
        let central = good.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        let data_start = 30 + "khoa/01-lesson.md".len();
        let middle = (data_start + central) / 2;
        let mut bad = good.clone();
        for b in &mut bad[middle..middle + 16] {
            *b ^= 0x5A;
        }
        let got = read_zip(&bad);
        assert!(
            matches!(&got, Err(ZipError::Damaged(_)) | Err(ZipError::NotZip)),
            "{got:?}"
        );
        assert_eq!(got, Err(ZipError::Damaged("khoa/01-lesson.md".to_owned())));
    }

    #[test]
    fn any_flipped_byte_never_panics() {
        let good = write_zip("k", &course());
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0xFF;
            if let Ok(read) = read_zip(&bad) {
                // Only metadata nobody reads (times, version fields…) may change silently;
                // content is CRC-checked.
                for (path, data) in &read.files {
                    if let Some(original) = course().get(path) {
                        assert_eq!(data, original, "byte {i} changed {path}");
                    }
                }
            }
        }
    }

    #[test]
    fn codes_and_messages() {
        let e = ZipError::UnsafePath("a/../b".to_owned());
        assert_eq!(e.code(), "unsafe_path");
        assert!(e.to_string().contains("a/../b"));
        assert_eq!(ZipError::TooManyEntries(501).code(), "too_many_entries");
        assert_eq!(ZipError::SeveralCourses.code(), "several_courses");
    }
}
