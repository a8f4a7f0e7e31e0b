//! Preparing trainers' uploaded photos for lessons.
//!
//! Uploads come from cheap Android phones: large, often stored sideways with
//! an EXIF Orientation tag, and carrying GPS coordinates the trainer never
//! meant to publish. [`prepare`] checks an upload cheaply before decoding it,
//! then turns it into a small, upright, metadata-free JPEG that loads quickly
//! on a learner's slow connection.
//!
//! Dependency (Cargo.toml):
//! `image = { version = "0.25", default-features = false, features = ["jpeg", "png", "webp"] }`

use std::fmt;
use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::{self, FilterType};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};

pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// Width × height as declared by the header; checked before any pixel is decoded.
pub const MAX_PIXELS: u64 = 50_000_000;
pub const MAX_WIDTH: u32 = 1280;
pub const MAX_OUTPUT_BYTES: usize = 120 * 1024;

/// Caps handed to the decoder, so a header that lies about its size, or a
/// decoder that needs more scratch memory than expected, fails instead of
/// exhausting the server's memory.
const DECODE_MAX_ALLOC: u64 = 512 * 1024 * 1024;
const DECODE_MAX_SIDE: u32 = 20_000;

/// Tried in order; the first that fits wins, so the best quality is kept.
const QUALITIES: [u8; 6] = [82, 74, 66, 58, 50, 42];
/// Rounds of shrinking by `SHRINK_FACTOR` when even the lowest quality is too big.
const SHRINK_ROUNDS: u32 = 4;
const SHRINK_FACTOR: f64 = 0.8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageError {
    TooLarge,
    NotAnImage,
    TooManyPixels { width: u32, height: u32 },
    Damaged,
    CannotShrink,
}

impl ImageError {
    /// Stable identifier for the API and the UI's translations.
    pub fn code(&self) -> &'static str {
        match self {
            ImageError::TooLarge => "too_large",
            ImageError::NotAnImage => "not_image",
            ImageError::TooManyPixels { .. } => "too_many_pixels",
            ImageError::Damaged => "damaged",
            ImageError::CannotShrink => "cannot_shrink",
        }
    }
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageError::TooLarge => write!(
                f,
                "the upload is larger than {} MiB",
                MAX_UPLOAD_BYTES / (1024 * 1024)
            ),
            ImageError::NotAnImage => write!(f, "the file is not a JPEG, PNG or WebP image"),
            ImageError::TooManyPixels { width, height } => write!(
                f,
                "the image is {width} × {height} pixels, more than {} million",
                MAX_PIXELS / 1_000_000
            ),
            ImageError::Damaged => write!(f, "the image is damaged or incomplete"),
            ImageError::CannotShrink => write!(
                f,
                "the image could not be compressed below {} KiB",
                MAX_OUTPUT_BYTES / 1024
            ),
        }
    }
}

impl std::error::Error for ImageError {}

/// A JPEG ready to store: upright, at most `MAX_WIDTH` wide, at most
/// `MAX_OUTPUT_BYTES` long, without any metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Checks an upload and re-encodes it as a small JPEG.
pub fn prepare(bytes: &[u8]) -> Result<Prepared, ImageError> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(ImageError::TooLarge);
    }
    // The file name and the client's Content-Type are not trusted: only the
    // content says what the file is.
    let format = sniff_format(bytes).ok_or(ImageError::NotAnImage)?;
    // The JPEG decoder is lenient and fills a cut-off scan with grey; an
    // upload interrupted halfway must be re-sent, not published like that.
    if format == ImageFormat::Jpeg && jpeg_is_truncated(bytes) {
        return Err(ImageError::Damaged);
    }

    // No side limits yet: they would reject a 30000 × 30000 header with a
    // generic limit error before we could report its dimensions.
    let mut limits = Limits::default();
    limits.max_alloc = Some(DECODE_MAX_ALLOC);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits.clone());
    // Creating the decoder parses only the header.
    let mut decoder = reader.into_decoder().map_err(|_| ImageError::Damaged)?;

    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ImageError::TooManyPixels { width, height });
    }
    limits.max_image_width = Some(DECODE_MAX_SIDE);
    limits.max_image_height = Some(DECODE_MAX_SIDE);
    let too_big = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => ImageError::TooManyPixels { width, height },
        _ => ImageError::Damaged,
    };
    decoder.set_limits(limits).map_err(too_big)?;

    // Must be read before decoding consumes the decoder; a broken EXIF block
    // is no reason to reject a photo whose pixels are fine.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let decoded = DynamicImage::from_decoder(decoder).map_err(too_big)?;

    let rgb = flatten_on_white(decoded);

    // Resize before rotating: rotating the small image is far cheaper, so
    // the width limit is applied to the side that will end up horizontal.
    let swaps_axes = matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    );
    let (w, h) = rgb.dimensions();
    let (upright_w, upright_h) = if swaps_axes { (h, w) } else { (w, h) };
    let (target_w, target_h) = fit_width(upright_w, upright_h, MAX_WIDTH);
    let (stored_w, stored_h) = if swaps_axes {
        (target_h, target_w)
    } else {
        (target_w, target_h)
    };
    let resized = resize_if_needed(rgb, stored_w, stored_h);

    let mut upright = DynamicImage::ImageRgb8(resized);
    upright.apply_orientation(orientation);
    let upright = upright.into_rgb8();

    encode_within_budget(upright)
}

/// Magic bytes of the accepted formats.
fn sniff_format(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(ImageFormat::Png)
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageFormat::WebP)
    } else {
        None
    }
}

/// True when the first scan has no end-of-image marker after it. Walking the
/// segments by their lengths skips embedded EXIF thumbnails, whose own EOI
/// would otherwise hide the truncation; entropy-coded data never contains
/// FF D9 thanks to byte stuffing. Data after EOI (vendor trailers) is fine.
/// Anything unexpected is left for the decoder to judge.
fn jpeg_is_truncated(bytes: &[u8]) -> bool {
    let mut i = 2; // after SOI
    loop {
        // Markers may be preceded by any number of FF fill bytes.
        while bytes.get(i) == Some(&0xFF) && bytes.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(i), bytes.get(i + 1)) else {
            // Ran out of data inside the headers, or junk the decoder may skip.
            return i + 1 >= bytes.len();
        };
        match marker {
            0xDA => break,
            0xD9 => return false,
            0x01 | 0xD0..=0xD7 => i += 2, // markers without a length
            _ => match (bytes.get(i + 2), bytes.get(i + 3)) {
                (Some(&hi), Some(&lo)) => i += 2 + usize::from(u16::from_be_bytes([hi, lo])),
                _ => return true,
            },
        }
    }
    !bytes[i..].windows(2).any(|w| w == [0xFF, 0xD9])
}

/// JPEG has no alpha; without this, transparent areas (usually stored as
/// transparent black) would come out black.
fn flatten_on_white(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    let (w, h) = rgba.dimensions();
    let mut out = RgbImage::new(w, h);
    for (dst, src) in out.pixels_mut().zip(rgba.pixels()) {
        let a = u32::from(src[3]);
        for c in 0..3 {
            // Integer blend with rounding: channel*a + 255*(255-a), over 255.
            let v = u32::from(src[c]) * a + 255 * (255 - a);
            dst[c] = ((v + 127) / 255) as u8;
        }
    }
    out
}

/// Dimensions no wider than `max_w`, keeping the aspect ratio; never upscales.
fn fit_width(w: u32, h: u32, max_w: u32) -> (u32, u32) {
    if w <= max_w {
        return (w, h);
    }
    let new_h = (u64::from(h) * u64::from(max_w) + u64::from(w) / 2) / u64::from(w);
    (max_w, new_h.max(1) as u32)
}

fn resize_if_needed(image: RgbImage, w: u32, h: u32) -> RgbImage {
    if image.dimensions() == (w, h) {
        image
    } else {
        // Triangle: smooth enough for photos and much cheaper than Lanczos3
        // on the large downscale factors phone photos need.
        imageops::resize(&image, w, h, FilterType::Triangle)
    }
}

/// Steps quality down, then size, until the JPEG fits `MAX_OUTPUT_BYTES`.
/// The encoder writes no EXIF/XMP/ICC, which is what strips GPS and the rest.
fn encode_within_budget(mut image: RgbImage) -> Result<Prepared, ImageError> {
    let mut buf = Vec::with_capacity(MAX_OUTPUT_BYTES * 2);
    for round in 0..=SHRINK_ROUNDS {
        if round > 0 {
            let (w, h) = image.dimensions();
            let nw = ((f64::from(w) * SHRINK_FACTOR).round() as u32).max(1);
            let nh = ((f64::from(h) * SHRINK_FACTOR).round() as u32).max(1);
            // Shrinks the previous round's (already small) image, not the
            // original, so each round costs little.
            image = imageops::resize(&image, nw, nh, FilterType::Triangle);
        }
        for quality in QUALITIES {
            buf.clear();
            JpegEncoder::new_with_quality(&mut buf, quality)
                .encode_image(&image)
                .map_err(|_| ImageError::CannotShrink)?;
            if buf.len() <= MAX_OUTPUT_BYTES {
                let (width, height) = image.dimensions();
                return Ok(Prepared {
                    bytes: buf,
                    width,
                    height,
                });
            }
        }
    }
    Err(ImageError::CannotShrink)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::codecs::png::PngEncoder;
    use image::{ImageEncoder, Rgb, RgbaImage};

    fn jpeg_of(image: &RgbImage, quality: u8) -> Vec<u8> {
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, quality)
            .encode_image(image)
            .unwrap();
        out
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn decode(bytes: &[u8]) -> RgbImage {
        image::load_from_memory_with_format(bytes, ImageFormat::Jpeg)
            .unwrap()
            .into_rgb8()
    }

    /// Inserts an APP1 Exif segment (payload = TIFF data) right after SOI.
    fn with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
        let mut payload = b"Exif\0\0".to_vec();
        payload.extend_from_slice(tiff);
        let len = u16::try_from(payload.len() + 2).unwrap();
        let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&payload);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    /// Big-endian IFD entry: tag, type, count, value-or-offset.
    fn ifd_entry(out: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: [u8; 4]) {
        out.extend_from_slice(&tag.to_be_bytes());
        out.extend_from_slice(&typ.to_be_bytes());
        out.extend_from_slice(&count.to_be_bytes());
        out.extend_from_slice(&value);
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &byte in data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }

    /// A PNG whose header claims `w` × `h` RGB but whose IDAT is empty.
    fn png_header_only(w: u32, h: u32) -> Vec<u8> {
        let mut out = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&w.to_be_bytes());
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, no interlace
        png_chunk(&mut out, b"IHDR", &ihdr);
        // zlib stream of an empty deflate block.
        png_chunk(
            &mut out,
            b"IDAT",
            &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
        );
        png_chunk(&mut out, b"IEND", &[]);
        out
    }

    #[test]
    fn crc32_matches_known_value() {
        // Guards the hand-built PNG test: a wrong CRC would make it test "Damaged".
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }

    #[test]
    fn big_noisy_photo_is_shrunk_and_fits() {
        // A gradient with LCG noise, like a phone photo's sensor noise:
        // pure noise would be incompressible, unlike any real photo.
        let mut seed = 0x1234_5678u32;
        let photo = RgbImage::from_fn(4000, 3000, |x, y| {
            let mut px = [0u8; 3];
            for (c, v) in px.iter_mut().enumerate() {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let noise = (seed >> 24) as i32 / 16 - 8; // -8..=7
                let base = ((x / 16 + y / 12 + c as u32 * 40) % 200) as i32 + 28;
                *v = (base + noise).clamp(0, 255) as u8;
            }
            Rgb(px)
        });
        let input = jpeg_of(&photo, 95);
        assert!(input.len() > MAX_OUTPUT_BYTES * 4, "test input too easy");
        assert!(input.len() <= MAX_UPLOAD_BYTES, "{} bytes", input.len());

        let out = prepare(&input).unwrap();
        assert!(
            out.bytes.len() <= MAX_OUTPUT_BYTES,
            "{} bytes",
            out.bytes.len()
        );
        assert_eq!((out.width, out.height), (1280, 960));
        assert_eq!(&out.bytes[..2], &[0xFF, 0xD8]);
        assert_eq!(decode(&out.bytes).dimensions(), (1280, 960));
    }

    #[test]
    fn transparency_becomes_white() {
        // Left half fully transparent black, right half opaque red.
        let img = RgbaImage::from_fn(64, 32, |x, _| {
            if x < 32 {
                image::Rgba([0, 0, 0, 0])
            } else {
                image::Rgba([255, 0, 0, 255])
            }
        });
        let mut png = Vec::new();
        PngEncoder::new(&mut png)
            .write_image(img.as_raw(), 64, 32, image::ExtendedColorType::Rgba8)
            .unwrap();

        let out = prepare(&png).unwrap();
        assert_eq!(&out.bytes[..3], &[0xFF, 0xD8, 0xFF]);
        let back = decode(&out.bytes);
        let left = back.get_pixel(8, 16);
        assert!(left.0.iter().all(|&c| c > 240), "left {left:?}");
        let right = back.get_pixel(56, 16);
        assert!(
            right[0] > 200 && right[1] < 60 && right[2] < 60,
            "right {right:?}"
        );
    }

    #[test]
    fn webp_is_accepted() {
        let img = RgbImage::from_fn(1600, 100, |x, _| Rgb([(x % 256) as u8, 100, 50]));
        let mut webp = Vec::new();
        image::codecs::webp::WebPEncoder::new_lossless(&mut webp)
            .write_image(img.as_raw(), 1600, 100, image::ExtendedColorType::Rgb8)
            .unwrap();
        assert_eq!(&webp[8..12], b"WEBP");
        let out = prepare(&webp).unwrap();
        assert_eq!((out.width, out.height), (1280, 80));
        assert_eq!(&out.bytes[..2], &[0xFF, 0xD8]);
    }

    #[test]
    fn exif_and_gps_are_stripped() {
        const MARKER: &[u8] = b"TAPHUAN-GPS-SECRET";
        // TIFF header, IFD0 at 8 with one entry (GPSInfo -> 26), then the GPS
        // IFD at 26 with GPSLatitudeRef "N" and GPSMapDatum pointing at MARKER.
        let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
        tiff.extend_from_slice(&1u16.to_be_bytes());
        ifd_entry(&mut tiff, 0x8825, 4, 1, 26u32.to_be_bytes());
        tiff.extend_from_slice(&0u32.to_be_bytes());
        assert_eq!(tiff.len(), 26);
        tiff.extend_from_slice(&2u16.to_be_bytes());
        ifd_entry(&mut tiff, 0x0001, 2, 2, *b"N\0\0\0");
        let marker_offset = 26 + 2 + 2 * 12 + 4;
        let count = MARKER.len() as u32 + 1;
        ifd_entry(
            &mut tiff,
            0x0012,
            2,
            count,
            (marker_offset as u32).to_be_bytes(),
        );
        tiff.extend_from_slice(&0u32.to_be_bytes());
        assert_eq!(tiff.len(), marker_offset);
        tiff.extend_from_slice(MARKER);
        tiff.push(0);

        let plain = jpeg_of(&RgbImage::from_pixel(40, 30, Rgb([90, 140, 200])), 90);
        let input = with_exif(&plain, &tiff);
        assert!(contains(&input, b"Exif") && contains(&input, MARKER));

        let out = prepare(&input).unwrap();
        assert_eq!((out.width, out.height), (40, 30));
        assert!(!contains(&out.bytes, b"Exif"));
        assert!(!contains(&out.bytes, MARKER));
    }

    #[test]
    fn exif_orientation_is_applied() {
        // Left half red, right half blue; rotating 90° clockwise puts the
        // left column on top, which also catches a rotation the wrong way.
        let img = RgbImage::from_fn(200, 100, |x, _| {
            if x < 100 {
                Rgb([255, 0, 0])
            } else {
                Rgb([0, 0, 255])
            }
        });
        let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
        tiff.extend_from_slice(&1u16.to_be_bytes());
        ifd_entry(&mut tiff, 0x0112, 3, 1, [0, 6, 0, 0]);
        tiff.extend_from_slice(&0u32.to_be_bytes());
        let input = with_exif(&jpeg_of(&img, 90), &tiff);

        let out = prepare(&input).unwrap();
        assert_eq!((out.width, out.height), (100, 200));
        let back = decode(&out.bytes);
        assert_eq!(back.dimensions(), (100, 200));
        let top = back.get_pixel(50, 40);
        let bottom = back.get_pixel(50, 160);
        assert!(top[0] > 200 && top[2] < 60, "top {top:?}");
        assert!(bottom[2] > 200 && bottom[0] < 60, "bottom {bottom:?}");
        assert!(!contains(&out.bytes, b"Exif"));
    }

    #[test]
    fn non_images_are_rejected() {
        assert_eq!(
            prepare(b"hello, this is not a photo"),
            Err(ImageError::NotAnImage)
        );
        let mut gif = b"GIF89a".to_vec();
        gif.extend_from_slice(&[1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255, 0x3B]);
        assert_eq!(prepare(&gif), Err(ImageError::NotAnImage));
        assert_eq!(
            prepare(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            Err(ImageError::NotAnImage)
        );
        assert_eq!(prepare(b""), Err(ImageError::NotAnImage));
        assert_eq!(ImageError::NotAnImage.code(), "not_image");
    }

    #[test]
    fn huge_declared_dimensions_are_rejected_before_decoding() {
        let png = png_header_only(30_000, 30_000);
        let err = prepare(&png).unwrap_err();
        assert_eq!(
            err,
            ImageError::TooManyPixels {
                width: 30_000,
                height: 30_000
            }
        );
        assert_eq!(err.code(), "too_many_pixels");
        assert_eq!(
            err.to_string(),
            "the image is 30000 × 30000 pixels, more than 50 million"
        );
        // Just over the pixel cap but within the decoder's side and memory
        // limits: only the header check can say TooManyPixels here, since
        // decoding the empty IDAT would fail as Damaged.
        assert_eq!(
            prepare(&png_header_only(7_100, 7_100)),
            Err(ImageError::TooManyPixels {
                width: 7_100,
                height: 7_100
            })
        );
    }

    #[test]
    fn oversized_and_truncated_uploads() {
        let big = vec![0xFFu8; MAX_UPLOAD_BYTES + 1];
        assert_eq!(prepare(&big), Err(ImageError::TooLarge));
        assert_eq!(ImageError::TooLarge.code(), "too_large");

        let valid = jpeg_of(&RgbImage::from_pixel(300, 200, Rgb([10, 200, 30])), 90);
        assert!(prepare(&valid).is_ok());
        assert_eq!(prepare(&valid[..200]), Err(ImageError::Damaged));
        // Cut inside the pixel data: the decoder alone would accept this.
        assert_eq!(prepare(&valid[..valid.len() / 2]), Err(ImageError::Damaged));
        assert_eq!(prepare(&valid[..valid.len() - 2]), Err(ImageError::Damaged));
        // Phones append vendor trailers after EOI; those photos are complete.
        let mut trailer = valid.clone();
        trailer.extend_from_slice(b"SEFH\0\0\0\x01 vendor trailer");
        assert!(prepare(&trailer).is_ok());

        let mut png = Vec::new();
        let noisy = noisy_1280(64);
        PngEncoder::new(&mut png)
            .write_image(noisy.as_raw(), 1280, 960, image::ExtendedColorType::Rgb8)
            .unwrap();
        assert_eq!(prepare(&png[..png.len() / 2]), Err(ImageError::Damaged));
        assert_eq!(ImageError::Damaged.code(), "damaged");
    }

    #[test]
    fn small_image_is_not_upscaled() {
        let img = RgbImage::from_fn(300, 200, |x, y| Rgb([x as u8, y as u8, 128]));
        let out = prepare(&jpeg_of(&img, 90)).unwrap();
        assert_eq!((out.width, out.height), (300, 200));
        assert_eq!(decode(&out.bytes).dimensions(), (300, 200));
    }

    /// 1280 × 960 gradient with LCG noise of the given amplitude.
    fn noisy_1280(amp: i32) -> RgbImage {
        let mut seed = 7u32;
        RgbImage::from_fn(1280, 960, |x, y| {
            let mut px = [0u8; 3];
            for (c, v) in px.iter_mut().enumerate() {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let noise = ((seed >> 24) as i32 * amp) / 256 - amp / 2;
                let base = ((x / 16 + y / 12 + c as u32 * 40) % 200) as i32 + 28;
                *v = (base + noise).clamp(0, 255) as u8;
            }
            Rgb(px)
        })
    }

    #[test]
    fn quality_steps_down_before_dimensions_shrink() {
        let mild = noisy_1280(16);
        assert!(
            jpeg_of(&mild, QUALITIES[0]).len() > MAX_OUTPUT_BYTES,
            "test input too easy"
        );
        let out = encode_within_budget(mild).unwrap();
        assert!(out.bytes.len() <= MAX_OUTPUT_BYTES);
        assert_eq!((out.width, out.height), (1280, 960));

        // Pure noise: no quality in the ladder fits at full size.
        let harsh = noisy_1280(256);
        let lowest = *QUALITIES.last().unwrap();
        assert!(
            jpeg_of(&harsh, lowest).len() > MAX_OUTPUT_BYTES,
            "test input too easy"
        );
        let out = encode_within_budget(harsh).unwrap();
        assert!(out.bytes.len() <= MAX_OUTPUT_BYTES);
        assert!(out.width < 1280, "{}", out.width);
        let ratio = f64::from(out.width) / f64::from(out.height);
        assert!((ratio - 4.0 / 3.0).abs() < 0.01, "{ratio}");
        assert_eq!(decode(&out.bytes).dimensions(), (out.width, out.height));
    }

    #[test]
    fn fit_width_keeps_aspect_ratio() {
        assert_eq!(fit_width(4000, 3000, 1280), (1280, 960));
        assert_eq!(fit_width(3000, 4000, 1280), (1280, 1707));
        assert_eq!(fit_width(1280, 50, 1280), (1280, 50));
        assert_eq!(fit_width(100_000, 1, 1280), (1280, 1));
    }
}
