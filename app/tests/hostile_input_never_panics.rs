//! Property tests (issue #16, fuzzing in the test command): what strangers can hand the server, the
//! class-list parsers, the course loader and the credential verifiers, never panics, whatever the bytes.
//! A few hundred cases each keeps the whole file to seconds; `app/fuzz` holds the libFuzzer target for
//! longer runs.

use app::admin::class_list::read_table;
use app::certificate::signing::{qr_text, verify_credential, verify_qr, verify_revocation_list, Signer};
use proptest::prelude::*;

/// A small valid class-list workbook, to mutate.
fn workbook() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["Họ và tên", "Số điện thoại", "Loại hình", "Xã", "Tỉnh"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..5u32 {
        for (c, v) in ["Nguyễn Văn A", "0912345678", "HTX", "Phường 1", "Vĩnh Long"].iter().enumerate() {
            ws.write_string(r, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

fn signer() -> Signer {
    Signer::from_hex(&"42".repeat(32)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_class_list_of_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read_table("lop.csv", &bytes);
        let _ = read_table("lop.xlsx", &bytes);
    }

    #[test]
    fn a_class_list_workbook_with_bytes_changed(edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12)) {
        let mut bytes = workbook();
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        let _ = read_table("lop.xlsx", &bytes);
    }

    #[test]
    fn a_csv_class_list_of_any_text(text in "\\PC{0,400}", sep in prop::sample::select(vec![",", ";", "\t", "\n", "\""])) {
        let _ = read_table("lop.csv", text.replace('|', sep).as_bytes());
    }

    #[test]
    fn a_qr_code_text_of_any_shape(s in "(https://x\\.vn/verify/[A-Z0-9-]{0,20}\\?)?(([dncksv]=)?[%A-Za-z0-9+&=_-]{0,30}&?){0,8}") {
        let _ = verify_qr(&s, &signer().public());
    }

    #[test]
    fn a_real_qr_code_with_characters_changed(at in any::<prop::sample::Index>(), c in any::<char>()) {
        let cert = app::certificate::Certificate {
            kind: app::certificate::Kind::Completion,
            code: "ABCD-EFGH-JKMN-PQRS".into(),
            holder_name: "Nguyễn Thị Ánh Tuyết".into(),
            course_title: "Quản trị hợp tác xã".into(),
            course_slug: "quan-tri-hop-tac-xa".into(),
            hours: 6.0,
            issued_at: 1_780_000_000_000,
            revoked_at: None,
            revoke_reason: None,
        };
        let text = qr_text("https://x.vn", &cert, &signer());
        let mut chars: Vec<char> = text.chars().collect();
        let i = at.index(chars.len());
        let changed = chars[i] != c;
        chars[i] = c;
        let tampered: String = chars.into_iter().collect();
        let original = verify_qr(&text, &signer().public()).unwrap();
        let r = verify_qr(&tampered, &signer().public());
        // The code, the fields and the signature are signed: a change anywhere after the path's last `/`
        // either fails to verify or spells the same thing (`%bB` is `%BB`: the same byte, the same name).
        // It can never vouch for anything else. (The address before it is where to check, not what is vouched for.)
        let signed_from = text.find('?').and_then(|q| text[..q].rfind('/')).unwrap();
        let signed_from = text[..signed_from].chars().count();
        if changed && i > signed_from {
            prop_assert!(r.as_ref().map_or(true, |v| *v == original), "{tampered} vouches for {r:?}");
        }
    }

    #[test]
    fn a_credential_or_revocation_list_of_any_json(v in json_value()) {
        let pk = signer().public();
        let _ = verify_credential(&v, &pk);
        let _ = verify_revocation_list(&v, &pk, 1_780_000_000_000, 7 * 86_400_000);
        let mut wrapped = serde_json::json!({"proof": v.clone(), "credentialSubject": v.clone(), "revoked": [v.clone()], "as_of_ms": 1, "seq": 1, "next_update_ms": 2});
        wrapped["signature"] = v;
        let _ = verify_credential(&wrapped, &pk);
        let _ = verify_revocation_list(&wrapped, &pk, 1_780_000_000_000, 7 * 86_400_000);
    }

    #[test]
    fn a_course_folder_of_any_files(toml in "\\PC{0,200}", lesson in "\\PC{0,300}", name in "[0-9]{0,3}-?[a-z.]{0,12}") {
        let dir = tempfile::tempdir().unwrap();
        let course = dir.path().join("khoa");
        std::fs::create_dir_all(&course).unwrap();
        std::fs::write(course.join("course.toml"), toml).unwrap();
        if !name.is_empty() && !name.starts_with('.') {
            std::fs::write(course.join(&name), &lesson).unwrap();
        }
        std::fs::write(course.join("01-bai.md"), lesson).unwrap();
        let _ = app::content::load_dir(dir.path());
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        "\\PC{0,30}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            proptest::collection::btree_map("(@context|type|id|proof|proofValue|credentialSubject|name|issuer|validFrom|achievement|revoked|code|signature|[a-z]{1,6})", inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}
