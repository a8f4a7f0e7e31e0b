//! The platform's Ed25519 key and what it signs: the QR code's text and the Open Badges 3.0 credential
//! (a W3C Verifiable Credential with a `DataIntegrityProof`, cryptosuite `eddsa-jcs-2022`). Server-only.

use super::{Certificate, Kind};
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The deployment's signing key.
#[derive(Debug)]
pub struct Signer {
    key: SigningKey,
}

impl Signer {
    /// Read the key from `path` (64 hex characters), or create it there with owner-only permissions on first run.
    pub fn load_or_create(path: &Path) -> std::io::Result<Signer> {
        if let Ok(text) = std::fs::read_to_string(path) {
            // A key others can read is no secret: say so, and make it the owner's (security review L-10).
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(path)?.permissions().mode();
                if mode & 0o077 != 0 {
                    tracing::warn!(path = %path.display(), mode = format!("{:o}", mode & 0o777), "the signing key was readable by others: restricted to its owner; if others did read it, make a new key");
                    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
                }
            }
            return Signer::from_hex(text.trim())
                .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{}: not an Ed25519 key in hex", path.display())));
        }
        use rand::RngCore;
        let mut secret = [0u8; 32];
        rand::rng().fill_bytes(&mut secret);
        let signer = Signer { key: SigningKey::from_bytes(&secret) };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        use std::io::Write;
        opts.open(path)?.write_all(format!("{hex}\n").as_bytes())?;
        tracing::info!(path = %path.display(), "created the certificate signing key");
        Ok(signer)
    }

    /// A key from 64 hex characters.
    pub fn from_hex(hex: &str) -> Option<Signer> {
        if hex.len() != 64 {
            return None;
        }
        let mut secret = [0u8; 32];
        for (i, b) in secret.iter_mut().enumerate() {
            *b = u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()?;
        }
        Some(Signer { key: SigningKey::from_bytes(&secret) })
    }

    /// The public half.
    pub fn public(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// The public key as a `did:key`.
    pub fn did(&self) -> String {
        did_key(&self.public())
    }

    fn sign(&self, msg: &[u8]) -> Signature {
        self.key.sign(msg)
    }
}

/// `did:key:z6Mk…`: multibase base58btc of the ed25519-pub multicodec (0xed 0x01) and the key.
pub fn did_key(pk: &VerifyingKey) -> String {
    let mut bytes = vec![0xed, 0x01];
    bytes.extend_from_slice(pk.as_bytes());
    format!("did:key:z{}", bs58::encode(bytes).into_string())
}

/// The key of a `did:key` (with or without a `#fragment`).
pub fn key_from_did(did: &str) -> Option<VerifyingKey> {
    let z = did.strip_prefix("did:key:z")?.split('#').next()?;
    let bytes = bs58::decode(z).into_vec().ok()?;
    let raw: [u8; 32] = bytes.strip_prefix(&[0xed, 0x01])?.try_into().ok()?;
    VerifyingKey::from_bytes(&raw).ok()
}

/// `yyyy-mm-dd` in Vietnam's time from Unix milliseconds.
pub fn iso_date(ms: i64) -> String {
    let d = crate::i18n::format_date(ms);
    let p: Vec<&str> = d.split('/').collect();
    format!("{}-{}-{}", p[2], p[1], p[0])
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What the QR code's signature covers. Attendance signs under its own prefix, so a certificate of
/// attendance can never be passed off as one of completion. Each field is length-prefixed (version 2,
/// `&v=2` in the QR text; security review L-4), so no choice of name and title can move a `|` from one
/// field to the next. Version 1 joined the fields with `|` alone; QR codes printed with it still verify.
fn qr_message(version: u8, kind: Kind, code: &str, date: &str, holder: &str, course: &str) -> String {
    let prefix = match kind {
        Kind::Completion => "taphuan-cert",
        Kind::Attendance => "taphuan-attendance",
    };
    if version >= 2 {
        let field = |f: &str| format!("{}:{f}", f.len());
        format!("{prefix}:v2|{}|{}|{}|{}", field(code), field(date), field(holder), field(course))
    } else {
        format!("{prefix}:v1|{code}|{date}|{holder}|{course}")
    }
}

/// The QR code's text: the verification URL carrying the certificate's data and a signature over it, so
/// the paper can be checked offline against the published key as well as online.
pub fn qr_text(base: &str, cert: &Certificate, signer: &Signer) -> String {
    let date = iso_date(cert.issued_at);
    let sig = signer.sign(qr_message(2, cert.kind, &cert.code, &date, &cert.holder_name, &cert.course_title).as_bytes());
    format!(
        "{base}/verify/{}?d={date}&n={}&c={}{}&v=2&s={}",
        cert.code,
        crate::text::urlencode(&cert.holder_name),
        crate::text::urlencode(&cert.course_title),
        if cert.kind == Kind::Attendance { "&k=a" } else { "" },
        b64(&sig.to_bytes())
    )
}

/// What a valid signature vouches for.
#[derive(Debug, Clone, PartialEq)]
pub struct Vouched {
    pub code: String,
    pub holder: String,
    pub course: String,
    pub date: String,
    /// What it vouches for: a course completed, or a workshop attended.
    pub kind: Kind,
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                out.push(u8::from_str_radix(s.get(i + 1..i + 3)?, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Check a QR code's text against the public key.
pub fn verify_qr(text: &str, pk: &VerifyingKey) -> Result<Vouched, String> {
    let (path, query) = text.trim().split_once('?').ok_or("not a certificate QR code")?;
    let code = path.rsplit('/').next().unwrap_or("").to_string();
    let get = |k: &str| -> Option<String> {
        query.split('&').find_map(|kv| kv.strip_prefix(&format!("{k}="))).and_then(percent_decode)
    };
    let (date, holder, course, sig) = (
        get("d").ok_or("missing date")?,
        get("n").ok_or("missing holder")?,
        get("c").ok_or("missing course")?,
        get("s").ok_or("missing signature")?,
    );
    let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(sig).map_err(|_| "bad signature encoding")?;
    let sig = Signature::from_slice(&sig).map_err(|_| "bad signature length")?;
    let kind = if get("k").as_deref() == Some("a") { Kind::Attendance } else { Kind::Completion };
    let version = if get("v").as_deref() == Some("2") { 2 } else { 1 };
    pk.verify(qr_message(version, kind, &code, &date, &holder, &course).as_bytes(), &sig).map_err(|_| "the signature does not match".to_string())?;
    Ok(Vouched { code, holder, course, date, kind })
}

fn jcs_hash(v: &Value) -> Result<[u8; 32], String> {
    let canon = serde_jcs::to_string(v).map_err(|e| e.to_string())?;
    Ok(Sha256::digest(canon.as_bytes()).into())
}

/// The learner's signed Open Badges 3.0 credential.
pub fn credential(base: &str, cert: &Certificate, issuer_name: &str, signer: &Signer) -> Value {
    let did = signer.did();
    let when = format!("{}T00:00:00Z", iso_date(cert.issued_at));
    let hours = crate::i18n::format_hours(cert.hours, crate::i18n::Locale::Vi);
    let achievement = match cert.kind {
        Kind::Completion => json!({
            "id": format!("{base}/khoa-hoc/{}", cert.course_slug),
            "type": ["Achievement"],
            "achievementType": "Course",
            "name": cert.course_title,
            "description": format!("Hoàn thành khoá học \"{}\" ({hours} giờ) trên Tập Huấn.", cert.course_title),
            "criteria": { "narrative": "Học hết các bài và đạt các bài kiểm tra của khoá học." }
        }),
        Kind::Attendance => json!({
            "id": format!("{base}/lop/{}", cert.course_slug),
            "type": ["Achievement"],
            "achievementType": "Certificate",
            "name": cert.course_title,
            "description": format!("Tham dự lớp tập huấn \"{}\" ({hours} giờ). Chứng nhận tham dự, không phải hoàn thành khoá học.", cert.course_title),
            "criteria": { "narrative": "Có mặt và được điểm danh tại lớp tập huấn." }
        }),
    };
    let mut doc = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": format!("{base}/verify/{}", cert.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": { "id": did, "type": ["Profile"], "name": issuer_name, "url": base },
        "validFrom": when,
        "name": cert.course_title,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": cert.holder_name,
            "achievement": achievement
        }
    });
    let mut proof = json!({
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": when,
        "verificationMethod": format!("{did}#{}", did.trim_start_matches("did:key:")),
        "proofPurpose": "assertionMethod",
        "@context": doc["@context"].clone(),
    });
    let mut data = jcs_hash(&proof).unwrap_or_default().to_vec();
    data.extend_from_slice(&jcs_hash(&doc).unwrap_or_default());
    let sig = signer.sign(&data);
    if let Some(p) = proof.as_object_mut() {
        p.remove("@context");
        p.insert("proofValue".into(), Value::String(format!("z{}", bs58::encode(sig.to_bytes()).into_string())));
    }
    doc["proof"] = proof;
    doc
}

/// Check a credential's proof against `pk` (the published key). Returns what it vouches for.
pub fn verify_credential(doc: &Value, pk: &VerifyingKey) -> Result<Vouched, String> {
    let mut doc = doc.clone();
    let obj = doc.as_object_mut().ok_or("not a JSON object")?;
    let mut proof = obj.remove("proof").ok_or("no proof")?;
    let p = proof.as_object_mut().ok_or("proof is not an object")?;
    if p.get("cryptosuite").and_then(Value::as_str) != Some("eddsa-jcs-2022") {
        return Err("unsupported cryptosuite".into());
    }
    let value = p.remove("proofValue").and_then(|v| v.as_str().map(str::to_string)).ok_or("no proofValue")?;
    let method = p.get("verificationMethod").and_then(Value::as_str).unwrap_or("");
    if key_from_did(method).as_ref() != Some(pk) {
        return Err("the credential was not signed with the published key".into());
    }
    p.insert("@context".into(), obj.get("@context").cloned().unwrap_or(Value::Null));
    let sig = bs58::decode(value.strip_prefix('z').ok_or("proofValue is not base58btc")?).into_vec().map_err(|_| "bad proofValue")?;
    let sig = Signature::from_slice(&sig).map_err(|_| "bad signature length")?;
    let mut data = jcs_hash(&proof)?.to_vec();
    data.extend_from_slice(&jcs_hash(&doc)?);
    pk.verify(&data, &sig).map_err(|_| "the signature does not match: the credential was changed or forged".to_string())?;
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let attendance = doc["credentialSubject"]["achievement"]["achievementType"].as_str() == Some("Certificate");
    Ok(Vouched {
        kind: if attendance { Kind::Attendance } else { Kind::Completion },
        code: s(&doc["id"]).rsplit('/').next().unwrap_or("").to_string(),
        holder: s(&doc["credentialSubject"]["name"]),
        course: s(&doc["name"]),
        date: s(&doc["validFrom"]).chars().take(10).collect(),
    })
}

/// How long a published revocation list is good for: a verifier holding an older one must fetch a fresh
/// one before it can say a certificate is not revoked.
pub const REVOCATION_LIST_VALID_MS: i64 = 7 * 24 * 3600 * 1000;

/// The signed text of a revocation list (security review M-2): the time it was made, a sequence number
/// that never goes back (the list's time in whole seconds), the time it stops being good, then
/// `CODE@ms` per revoked certificate. A list saved before a revocation is therefore known to be old.
fn revocation_body(as_of: i64, seq: i64, next_update: i64, revoked: &[(String, i64)]) -> String {
    let codes = revoked.iter().map(|(c, at)| format!("{c}@{at}")).collect::<Vec<_>>().join(",");
    format!("taphuan-revocations:v2|as_of={as_of}|seq={seq}|next_update={next_update}|{codes}")
}

/// The published list of revoked codes as of `now_ms`, signed.
pub fn revocation_list(revoked: &[(String, i64)], signer: &Signer, now_ms: i64) -> Value {
    let (seq, next_update) = (now_ms / 1000, now_ms + REVOCATION_LIST_VALID_MS);
    let sig = signer.sign(revocation_body(now_ms, seq, next_update, revoked).as_bytes());
    json!({
        "issuer": signer.did(),
        "as_of_ms": now_ms,
        "seq": seq,
        "next_update_ms": next_update,
        "revoked": revoked.iter().map(|(c, at)| json!({"code": c, "revoked_at_ms": at})).collect::<Vec<_>>(),
        "signature": b64(&sig.to_bytes()),
    })
}

/// What a checked revocation list says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevocationList {
    pub as_of_ms: i64,
    pub seq: i64,
    pub codes: Vec<String>,
}

/// Check a revocation list against `pk` at `now_ms`: its signature, and that it is still good (made at most
/// `max_age_ms` ago and before its `next_update`). A list without its date (the first format) is refused.
pub fn verify_revocation_list(list: &Value, pk: &VerifyingKey, now_ms: i64, max_age_ms: i64) -> Result<RevocationList, String> {
    let items = list["revoked"].as_array().ok_or("no revoked list")?;
    let (Some(as_of), Some(seq), Some(next_update)) = (list["as_of_ms"].as_i64(), list["seq"].as_i64(), list["next_update_ms"].as_i64()) else {
        return Err("the revocation list carries no date (as_of_ms, seq, next_update_ms): fetch a current one".into());
    };
    let pairs: Vec<(String, i64)> = items
        .iter()
        .map(|i| (i["code"].as_str().unwrap_or("").to_string(), i["revoked_at_ms"].as_i64().unwrap_or(0)))
        .collect();
    let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(list["signature"].as_str().unwrap_or("")).map_err(|_| "bad signature")?;
    let sig = Signature::from_slice(&sig).map_err(|_| "bad signature")?;
    pk.verify(revocation_body(as_of, seq, next_update, &pairs).as_bytes(), &sig).map_err(|_| "the revocation list's signature does not match".to_string())?;
    if now_ms - as_of > max_age_ms || now_ms > next_update {
        return Err(format!("the revocation list is out of date (made {} days ago): fetch a current one", (now_ms - as_of) / 86_400_000));
    }
    Ok(RevocationList { as_of_ms: as_of, seq, codes: pairs.into_iter().map(|(c, _)| c).collect() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert() -> Certificate {
        Certificate {
            kind: Kind::Completion,
            code: "ABCD-EFGH-JKMN-PQRS".into(),
            holder_name: "Nguyễn Thị Ánh Tuyết".into(),
            course_title: "Quản trị hợp tác xã".into(),
            course_slug: "quan-tri-hop-tac-xa".into(),
            hours: 2.0,
            issued_at: 1_795_982_400_000,
            revoked_at: None,
            revoke_reason: None,
        }
    }

    #[test]
    fn credentials_verify_and_tampering_fails() {
        let s = Signer::from_hex(&"11".repeat(32)).unwrap();
        let vc = credential("https://th.example", &cert(), "Tập Huấn", &s);
        let v = verify_credential(&vc, &s.public()).unwrap();
        assert_eq!((v.holder.as_str(), v.code.as_str(), v.date.as_str()), ("Nguyễn Thị Ánh Tuyết", "ABCD-EFGH-JKMN-PQRS", "2026-11-30"));
        let mut forged = vc.clone();
        forged["credentialSubject"]["name"] = "Người Khác".into();
        assert!(verify_credential(&forged, &s.public()).unwrap_err().contains("does not match"));
        let other = Signer::from_hex(&"22".repeat(32)).unwrap();
        assert!(verify_credential(&vc, &other.public()).is_err());
        assert_eq!(key_from_did(&s.did()), Some(s.public()));
    }

    #[test]
    fn qr_text_verifies_offline() {
        let s = Signer::from_hex(&"11".repeat(32)).unwrap();
        let text = qr_text("https://th.example", &cert(), &s);
        assert!(text.starts_with("https://th.example/verify/ABCD-EFGH-JKMN-PQRS?"));
        assert_eq!(verify_qr(&text, &s.public()).unwrap().holder, "Nguyễn Thị Ánh Tuyết");
        let tampered = text.replace("Tuy", "Tuz");
        assert!(verify_qr(&tampered, &s.public()).is_err());
    }

    #[test]
    fn attendance_is_signed_as_attendance_and_cannot_pass_as_completion() {
        let s = Signer::from_hex(&"11".repeat(32)).unwrap();
        let att = Certificate { kind: Kind::Attendance, course_title: "Lớp tập huấn chuyển đổi số".into(), course_slug: "w1".into(), ..cert() };
        let text = qr_text("https://th.example", &att, &s);
        assert!(text.contains("&k=a&"));
        assert_eq!(verify_qr(&text, &s.public()).unwrap().kind, Kind::Attendance);
        // Dropping the kind from the link (to show it as a completion) breaks the signature.
        assert!(verify_qr(&text.replace("&k=a", ""), &s.public()).is_err());
        let vc = credential("https://th.example", &att, "Tập Huấn", &s);
        assert!(vc["credentialSubject"]["achievement"]["description"].as_str().unwrap().starts_with("Tham dự"));
        assert_eq!(verify_credential(&vc, &s.public()).unwrap().kind, Kind::Attendance);
        let mut relabelled = vc.clone();
        relabelled["credentialSubject"]["achievement"]["achievementType"] = "Course".into();
        assert!(verify_credential(&relabelled, &s.public()).is_err());
    }

    #[test]
    fn a_bar_in_a_name_cannot_move_between_fields() {
        let s = signer();
        let mut c = cert();
        c.holder_name = "A|B".into();
        c.course_title = "C".into();
        let text = qr_text("https://x.vn", &c, &s);
        assert!(verify_qr(&text, &s.public()).is_ok());
        // The same signature offered for holder "A" and course "B|C".
        let moved = text.replace("n=A%7CB&c=C", "n=A&c=B%7CC");
        assert_ne!(moved, text);
        assert!(verify_qr(&moved, &s.public()).is_err(), "{moved}");
    }

    #[test]
    fn a_qr_code_printed_with_the_first_format_still_verifies() {
        let s = signer();
        let c = cert();
        let date = iso_date(c.issued_at);
        let sig = s.sign(format!("taphuan-cert:v1|{}|{date}|{}|{}", c.code, c.holder_name, c.course_title).as_bytes());
        let text = format!("https://x.vn/verify/{}?d={date}&n={}&c={}&s={}", c.code, crate::text::urlencode(&c.holder_name), crate::text::urlencode(&c.course_title), b64(&sig.to_bytes()));
        assert_eq!(verify_qr(&text, &s.public()).unwrap().holder, c.holder_name);
    }

    fn signer() -> Signer {
        Signer::from_hex(&"11".repeat(32)).unwrap()
    }

    #[cfg(unix)]
    #[test]
    fn a_signing_key_others_can_read_is_made_the_owners() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        std::fs::write(&path, "11".repeat(32)).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let s = Signer::load_or_create(&path).unwrap();
        assert_eq!(s.public(), signer().public());
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }

    #[test]
    fn revocation_lists_are_signed() {
        let s = signer();
        let now = 1_780_000_000_000;
        let list = revocation_list(&[("ABCD-EFGH-JKMN-PQRS".into(), 5)], &s, now);
        assert_eq!(verify_revocation_list(&list, &s.public(), now + 1000, REVOCATION_LIST_VALID_MS).unwrap().codes, ["ABCD-EFGH-JKMN-PQRS"]);
        let mut changed = list.clone();
        changed["revoked"] = json!([]);
        assert!(verify_revocation_list(&changed, &s.public(), now, REVOCATION_LIST_VALID_MS).is_err());
        // A list dated back (or forward) no longer matches its signature.
        let mut redated = list.clone();
        redated["as_of_ms"] = json!(now + 86_400_000);
        assert!(verify_revocation_list(&redated, &s.public(), now, REVOCATION_LIST_VALID_MS).is_err());
    }

    #[test]
    fn an_old_or_undated_revocation_list_is_refused() {
        let s = signer();
        let now = 1_780_000_000_000;
        let week = REVOCATION_LIST_VALID_MS;
        let old = revocation_list(&[], &s, now - 8 * 86_400_000);
        let e = verify_revocation_list(&old, &s.public(), now, week).unwrap_err();
        assert!(e.contains("out of date"), "{e}");
        // Younger than the verifier's limit but past its own next_update.
        assert!(verify_revocation_list(&old, &s.public(), now, 30 * 86_400_000).is_err());
        // The first format: codes and a signature, no date.
        let sig = s.sign(b"taphuan-revocations:v1|");
        let undated = json!({"issuer": s.did(), "revoked": [], "signature": b64(&sig.to_bytes())});
        assert!(verify_revocation_list(&undated, &s.public(), now, week).unwrap_err().contains("no date"));
    }

}
