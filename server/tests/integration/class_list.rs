//! A trainer imports a workshop's class list: new learners get one-time links on a printable QR sheet,
//! existing ones are enrolled, and a file with a bad row imports nothing.

use crate::util::TestApp;

async fn upload(app: &TestApp, client: &reqwest::Client, name: &str, bytes: Vec<u8>, courses: &[&str]) -> (u16, String) {
    let mut form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    for c in courses {
        form = form.text("course", c.to_string());
    }
    let res = client
        .post(format!("{}/quan-tri/nhap-lop/gui", app.base))
        .header("origin", app.base.clone())
        .multipart(form)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.db.pool).await.unwrap()
}

#[tokio::test]
async fn a_trainer_imports_a_class_list_and_prints_password_cards() {
    let app = TestApp::start().await;
    app.person("0966 000 001", "Cán Bộ Khuyến Nông", "86", Some(("trainer", None))).await;
    app.person("0966 000 009", "Đã Có Tài Khoản", "28756", None).await;
    let trainer = app.signed_in("0966000001").await;
    let csv = "\u{feff}Họ và tên,Số điện thoại,Tổ chức,Loại hình,Địa bàn\n\
               Nguyễn Văn Một,0966 000 002,HTX Dừa,Hợp tác xã,28756\n\
               Trần Thị Hai,+84966000003,Cơ sở bánh tráng,Hộ kinh doanh,\"Phường Phú Khương, Vĩnh Long\"\n\
               Đã Có Tài Khoản,0966000009,,Khác,28756\n";
    let users_before = count(&app, "SELECT COUNT(*) FROM app_user").await;
    let (status, page) = upload(&app, &trainer, "lop.csv", csv.as_bytes().to_vec(), &["mini", "quan-tri-hop-tac-xa"]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Đã tạo 2 tài khoản mới; 1 người đã có tài khoản; ghi danh vào 2 khoá học."), "{page}");
    assert_eq!(page.matches("<svg").count(), 2, "one QR card per new learner");
    assert_eq!(page.matches("/mat-khau/").count(), 2);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM app_user").await, users_before + 2);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM enrolment").await, 6);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM app_user WHERE password_hash = ''").await, 2, "new learners choose their own password");
    // The printed link works: the learner sets a password and is signed in.
    let link = page.split("/mat-khau/").nth(1).unwrap().split('<').next().unwrap().to_string();
    let c = app.browser();
    let (status, loc) = app.post_form(&c, "/api/set_password", &[("token", &link), ("password", "bánh tráng phơi sương")]).await;
    assert_eq!((status, loc.as_str()), (302, "/tai-khoan"));

    // Uploading the same file again creates nobody.
    let (_, again) = upload(&app, &trainer, "lop.csv", csv.as_bytes().to_vec(), &["mini"]).await;
    assert!(again.contains("Đã tạo 0 tài khoản mới; 3 người đã có tài khoản"), "{again}");
}

#[tokio::test]
async fn a_class_list_with_a_bad_row_imports_nothing_and_says_why() {
    let app = TestApp::start().await;
    app.person("0977 000 001", "Cán Bộ", "86", Some(("trainer", None))).await;
    let trainer = app.signed_in("0977000001").await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows = [
        ["Họ và tên", "Số điện thoại", "Tổ chức", "Loại hình", "Địa bàn"],
        ["Người Tốt", "0977000002", "HTX", "HTX", "28756"],
        ["Số Sai", "12345", "HTX", "HTX", "28756"],
        ["Không Rõ Xã", "0977000004", "HTX", "HTX", "Xã Không Tồn Tại"],
        ["Trùng Số", "0977 000 002", "HTX", "HTX", "28756"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    // Excel stores phone numbers as numbers and drops the leading zero.
    sheet.write_number(1, 1, 977000002.0).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let before = count(&app, "SELECT COUNT(*) FROM app_user").await;
    let (status, page) = upload(&app, &trainer, "lop.xlsx", bytes, &["mini"]).await;
    assert_eq!(status, 200);
    assert!(page.contains("Chưa nhập ai: có 3 dòng bị từ chối."), "{page}");
    assert!(page.contains("Số điện thoại không đúng: 12345"));
    assert!(page.contains("Không tìm thấy địa bàn: Xã Không Tồn Tại"));
    assert!(page.contains("Số điện thoại trùng với dòng: 2"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM app_user").await, before, "nothing half-imported");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM enrolment").await, 0);

    // A learner may not upload; nor may anyone anonymous.
    app.person("0977 000 005", "Học Viên", "28756", None).await;
    let learner = app.signed_in("0977000005").await;
    assert_eq!(upload(&app, &learner, "lop.csv", b"a".to_vec(), &[]).await.0, 403);
    assert_eq!(upload(&app, &app.browser(), "lop.csv", b"a".to_vec(), &[]).await.0, 401);
}

#[tokio::test]
async fn the_class_list_form_keeps_the_courses_chosen() {
    let app = TestApp::start().await;
    app.person("0966 100 001", "Cán Bộ Khuyến Nông", "86", Some(("trainer", None))).await;
    let trainer = app.signed_in("0966100001").await;
    let (status, page, _) = app.get_with(&trainer, "/quan-tri/nhap-lop?khoa=mini&khoa=chuyen-doi-so").await;
    assert_eq!(status, 200);
    let checked = |slug: &str| page.contains(&format!("value=\"{slug}\" checked"));
    assert!(checked("mini") && checked("chuyen-doi-so") && !checked("quan-tri-hop-tac-xa"), "{page}");
}
