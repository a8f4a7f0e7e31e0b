//! A trainer imports a workshop's class list: new learners get one-time links on a printable QR sheet,
//! existing ones are enrolled, and a file with a bad row imports nothing. Each test runs on SQLite and, when
//! configured, PostgreSQL.

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
    for (_, app) in TestApp::each_backend().await {
        a_trainer_imports_a_class_list_and_prints_password_cards_on(&app).await;
    }
}

async fn a_trainer_imports_a_class_list_and_prints_password_cards_on(app: &TestApp) {
    app.person("0966 000 001", "Cán Bộ Khuyến Nông", "86", Some(("trainer", None))).await;
    app.person("0966 000 009", "Đã Có Tài Khoản", "28756", None).await;
    let trainer = app.signed_in("0966000001").await;
    let csv = "\u{feff}Họ và tên,Số điện thoại,Tổ chức,Loại hình,Địa bàn\n\
               Nguyễn Văn Một,0966 000 002,HTX Dừa,Hợp tác xã,28756\n\
               Trần Thị Hai,+84966000003,Cơ sở bánh tráng,Hộ kinh doanh,\"Phường Phú Khương, Vĩnh Long\"\n\
               Đã Có Tài Khoản,0966000009,,Khác,28756\n";
    let users_before = count(app, "SELECT COUNT(*) FROM app_user").await;
    let (status, page) = upload(app, &trainer, "lop.csv", csv.as_bytes().to_vec(), &["mini", "quan-tri-hop-tac-xa"]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Đã tạo 2 tài khoản mới; 1 người đã có tài khoản; ghi danh vào 2 khoá học."), "{page}");
    assert_eq!(page.matches("<svg").count(), 2, "one QR card per new learner");
    assert_eq!(page.matches("/mat-khau/").count(), 2);
    assert_eq!(count(app, "SELECT COUNT(*) FROM app_user").await, users_before + 2);
    assert_eq!(count(app, "SELECT COUNT(*) FROM enrolment").await, 6);
    assert_eq!(count(app, "SELECT COUNT(*) FROM app_user WHERE password_hash = ''").await, 2, "new learners choose their own password");
    // The printed link works: the learner sets a password and is signed in.
    let link = page.split("/mat-khau/").nth(1).unwrap().split('<').next().unwrap().to_string();
    let c = app.browser();
    let (status, loc) = app.post_form(&c, "/api/set_password", &[("token", &link), ("password", "bánh tráng phơi sương")]).await;
    assert_eq!((status, loc.as_str()), (302, "/tai-khoan"));

    // Uploading the same file again creates nobody.
    let (_, again) = upload(app, &trainer, "lop.csv", csv.as_bytes().to_vec(), &["mini"]).await;
    assert!(again.contains("Đã tạo 0 tài khoản mới; 3 người đã có tài khoản"), "{again}");
}

#[tokio::test]
async fn a_class_list_with_a_bad_row_imports_nothing_and_says_why() {
    for (_, app) in TestApp::each_backend().await {
        a_class_list_with_a_bad_row_imports_nothing_and_says_why_on(&app).await;
    }
}

async fn a_class_list_with_a_bad_row_imports_nothing_and_says_why_on(app: &TestApp) {
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
    let before = count(app, "SELECT COUNT(*) FROM app_user").await;
    let (status, page) = upload(app, &trainer, "lop.xlsx", bytes, &["mini"]).await;
    assert_eq!(status, 200);
    assert!(page.contains("Chưa nhập ai: có 3 dòng bị từ chối."), "{page}");
    assert!(page.contains("Số điện thoại không đúng: 12345"));
    assert!(page.contains("Không tìm thấy địa bàn: Xã Không Tồn Tại"));
    assert!(page.contains("Số điện thoại trùng với dòng: 2"));
    assert_eq!(count(app, "SELECT COUNT(*) FROM app_user").await, before, "nothing half-imported");
    assert_eq!(count(app, "SELECT COUNT(*) FROM enrolment").await, 0);
    // "Again" goes back to the form with the course still ticked.
    assert!(page.contains("href=\"/quan-tri/nhap-lop?khoa=mini\""), "{page}");

    // A learner may not upload; nor may anyone anonymous.
    app.person("0977 000 005", "Học Viên", "28756", None).await;
    let learner = app.signed_in("0977000005").await;
    assert_eq!(upload(app, &learner, "lop.csv", b"a".to_vec(), &[]).await.0, 403);
    assert_eq!(upload(app, &app.browser(), "lop.csv", b"a".to_vec(), &[]).await.0, 401);
}

async fn text(app: &TestApp, sql: &str) -> String {
    sqlx::query_scalar(sql).fetch_one(&app.db.pool).await.unwrap()
}

/// A trainer signed in on a fresh app; `n` keeps each test's phone numbers apart.
async fn trainer(app: &TestApp, n: u8) -> reqwest::Client {
    let phone = format!("09{n}000001");
    app.person(&phone, "Cán Bộ Tập Huấn", "86", Some(("trainer", None))).await;
    app.signed_in(&phone).await
}

#[tokio::test]
async fn a_province_column_picks_the_commune_among_namesakes() {
    for (_, app) in TestApp::each_backend().await {
        a_province_column_picks_the_commune_among_namesakes_on(&app).await;
    }
}

async fn a_province_column_picks_the_commune_among_namesakes_on(app: &TestApp) {
    let trainer = trainer(app, 81).await;
    // Three communes are called "Xã Thạnh Phú" (Đồng Tháp 28444, Vĩnh Long 29182, Cần Thơ 31249).
    let csv = "Họ và tên,Số điện thoại,Tổ chức,Loại hình,Địa bàn,Tỉnh / thành phố\n\
               Người Vĩnh Long,0981000002,HTX A,HTX,Xã Thạnh Phú,Vĩnh Long\n\
               Người Đồng Tháp,0981000003,HTX B,HTX,Thạnh Phú,Tỉnh Đồng Tháp\n\
               Người Cần Thơ,0981000004,HTX C,HTX,xã thạnh phú,TP. Cần Thơ\n\
               Người Theo Mã,0981000005,HTX D,HTX,28756,Vĩnh Long\n";
    let (status, page) = upload(app, &trainer, "lop.csv", csv.as_bytes().to_vec(), &[]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Đã tạo 4 tài khoản mới"), "{page}");
    for (name, code) in [("Người Vĩnh Long", "29182"), ("Người Đồng Tháp", "28444"), ("Người Cần Thơ", "31249"), ("Người Theo Mã", "28756")] {
        assert_eq!(text(app, &format!("SELECT region_code FROM app_user WHERE full_name = '{name}'")).await, code, "{name}");
    }

    // Without a province the shared name is refused, naming the provinces; an unknown province is named too.
    let csv = "Họ và tên,Số điện thoại,Tổ chức,Loại hình,Địa bàn,Tỉnh\n\
               Không Ghi Tỉnh,0981000006,HTX A,HTX,Xã Thạnh Phú,\n\
               Tỉnh Lạ,0981000007,HTX A,HTX,Xã Thạnh Phú,Tỉnh Mây Trắng\n\
               Sai Tỉnh,0981000008,HTX A,HTX,Phường Phú Khương,Cà Mau\n";
    let before = count(app, "SELECT COUNT(*) FROM app_user").await;
    let (status, page) = upload(app, &trainer, "lop.csv", csv.as_bytes().to_vec(), &[]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Chưa nhập ai: có 3 dòng bị từ chối."), "{page}");
    let ambiguous = page.split("Không Ghi Tỉnh").nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(ambiguous.contains("Tên xã, phường có ở nhiều tỉnh"), "{ambiguous}");
    for p in ["Đồng Tháp", "Vĩnh Long", "Cần Thơ"] {
        assert!(ambiguous.contains(p), "{p} named: {ambiguous}");
    }
    assert!(page.contains("Không tìm thấy tỉnh, thành phố: Tỉnh Mây Trắng"), "{page}");
    assert!(page.contains("Tỉnh đã ghi không có xã, phường này: Phường Phú Khương, Cà Mau"), "{page}");
    assert_eq!(count(app, "SELECT COUNT(*) FROM app_user").await, before);
}

#[tokio::test]
async fn organisation_types_are_read_as_people_write_them() {
    for (_, app) in TestApp::each_backend().await {
        organisation_types_are_read_as_people_write_them_on(&app).await;
    }
}

async fn organisation_types_are_read_as_people_write_them_on(app: &TestApp) {
    let trainer = trainer(app, 82).await;
    let types = [
        ("HTX", "hop-tac-xa"),
        ("Hợp tác xã", "hop-tac-xa"),
        ("THT", "to-hop-tac"),
        ("Tổ hợp tác", "to-hop-tac"),
        ("Hộ sản xuất/kinh doanh", "ho-san-xuat"),
        ("Hộ kinh doanh", "ho-san-xuat"),
        ("Hộ SXKD", "ho-san-xuat"),
        ("Cty TNHH", "doanh-nghiep"),
        ("Công ty cổ phần", "doanh-nghiep"),
        ("Doanh nghiệp tư nhân", "doanh-nghiep"),
        ("DNTN", "doanh-nghiep"),
        ("DN", "doanh-nghiep"),
        ("CƠ QUAN NHÀ NƯỚC", "co-quan-nha-nuoc"),
        ("Khác", "khac"),
    ];
    let mut csv = String::from("Họ và tên;Số điện thoại;Tổ chức;Loại hình;Địa bàn\n");
    for (i, (written, _)) in types.iter().enumerate() {
        csv += &format!("Học Viên {i};09820001{i:02};Đơn vị;{written};28756\n");
    }
    let (status, page) = upload(app, &trainer, "lop.csv", csv.into_bytes(), &[]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(&format!("Đã tạo {} tài khoản mới", types.len())), "{page}");
    for (i, (written, slug)) in types.iter().enumerate() {
        assert_eq!(&text(app, &format!("SELECT org_type FROM app_user WHERE full_name = 'Học Viên {i}'")).await, slug, "{written}");
    }
    let csv = "Họ và tên,Số điện thoại,Tổ chức,Loại hình,Địa bàn\nNgân Hàng,0982000199,Ngân hàng,Ngân hàng,28756\n";
    let (_, page) = upload(app, &trainer, "lop.csv", csv.as_bytes().to_vec(), &[]).await;
    assert!(page.contains("Loại hình không rõ (ghi một trong: Hợp tác xã/HTX, Tổ hợp tác/THT"), "{page}");
    assert!(page.contains("Khác): Ngân hàng"), "{page}");
}

#[tokio::test]
async fn a_refused_list_says_what_will_happen_and_imports_once_the_named_rows_are_removed() {
    for (_, app) in TestApp::each_backend().await {
        a_refused_list_says_what_will_happen_and_imports_once_the_named_rows_are_removed_on(&app).await;
    }
}

async fn a_refused_list_says_what_will_happen_and_imports_once_the_named_rows_are_removed_on(app: &TestApp) {
    let trainer = trainer(app, 83).await;
    app.person("0983 000 009", "Đã Có Tài Khoản", "28756", None).await;
    let good = "Họ và tên,Số điện thoại,Tổ chức,Loại hình,Địa bàn\n\
                Người Mới,0983000002,HTX Dừa,HTX,28756\n\
                Đã Có Tài Khoản,0983000009,,Khác,28756\n";
    let bad = "Sai Số,12345,HTX Dừa,HTX,28756\n";
    let with_bad = format!("{good}{bad}");
    let before = count(app, "SELECT COUNT(*) FROM app_user").await;
    let (status, page) = upload(app, &trainer, "lop.csv", with_bad.into_bytes(), &["mini"]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Chưa nhập ai: có 1 dòng bị từ chối."), "{page}");
    assert!(!page.to_lowercase().contains("đã ghi danh") && !page.contains("Đã tạo"), "nothing was done: {page}");
    assert!(page.contains("Sẽ tạo tài khoản khi sửa xong tệp"), "{page}");
    assert!(page.contains("Đã có tài khoản, sẽ ghi danh khi sửa xong tệp"), "{page}");
    assert!(page.contains("<tr><td>4</td><td>Sai Số</td>"), "the bad row is named by its line: {page}");
    assert_eq!(count(app, "SELECT COUNT(*) FROM app_user").await, before);
    assert_eq!(count(app, "SELECT COUNT(*) FROM enrolment").await, 0);

    // The trainer deletes line 4 and uploads the same file again.
    let (status, page) = upload(app, &trainer, "lop.csv", good.as_bytes().to_vec(), &["mini"]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Đã tạo 1 tài khoản mới; 1 người đã có tài khoản; ghi danh vào 1 khoá học."), "{page}");
    assert!(page.contains("Đã có tài khoản, đã ghi danh"), "{page}");
    assert_eq!(count(app, "SELECT COUNT(*) FROM app_user").await, before + 1);
    assert_eq!(count(app, "SELECT COUNT(*) FROM enrolment").await, 2);
}

#[tokio::test]
async fn line_numbers_are_excel_row_numbers_with_empty_rows_counted() {
    for (_, app) in TestApp::each_backend().await {
        line_numbers_are_excel_row_numbers_with_empty_rows_counted_on(&app).await;
    }
}

async fn line_numbers_are_excel_row_numbers_with_empty_rows_counted_on(app: &TestApp) {
    let trainer = trainer(app, 84).await;
    // CSV: header (1), a good row (2), an empty line (3), the bad row (4).
    let csv = "Họ và tên,Số điện thoại,Tổ chức,Loại hình,Địa bàn\r\nNgười Tốt,0984000002,HTX,HTX,28756\r\n\r\nSố Sai,12345,HTX,HTX,28756\r\n";
    let (status, page) = upload(app, &trainer, "lop.csv", csv.as_bytes().to_vec(), &[]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<tr><td>2</td><td>Người Tốt</td>"), "{page}");
    assert!(page.contains("<tr><td>4</td><td>Số Sai</td>"), "{page}");

    // XLSX: a title in A1, the header in row 3, a good row (4), an empty row (5), the bad row (6). The
    // sheet's used range starts at row 3 when the title is left out, so both layouts are checked.
    for title in [true, false] {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        if title {
            sheet.write_string(0, 0, "Danh sách lớp tập huấn").unwrap();
        }
        let rows: [(u32, [&str; 5]); 3] = [
            (2, ["Họ và tên", "Số điện thoại", "Tổ chức", "Loại hình", "Địa bàn"]),
            (3, ["Người Tốt", "0984000002", "HTX", "HTX", "28756"]),
            (5, ["Số Sai", "12345", "HTX", "HTX", "28756"]),
        ];
        for (r, row) in rows {
            for (c, v) in row.iter().enumerate() {
                sheet.write_string(r, c as u16 + 1, *v).unwrap();
            }
        }
        let (status, page) = upload(app, &trainer, "lop.xlsx", book.save_to_buffer().unwrap(), &[]).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("<tr><td>4</td><td>Người Tốt</td>"), "title {title}: {page}");
        assert!(page.contains("<tr><td>6</td><td>Số Sai</td>"), "title {title}: {page}");
    }
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

/// A workbook with a header row and one learner, then `extra` applied to its sheet.
fn workbook(extra: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let s = wb.add_worksheet();
    for (c, h) in ["Họ và tên", "Số điện thoại", "Tổ chức", "Loại hình", "Xã phường"].iter().enumerate() {
        s.write(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["Nguyễn Văn Một", "0977000001", "HTX Một", "HTX", "28756"].iter().enumerate() {
        s.write(1, c as u16, *v).unwrap();
    }
    extra(s);
    wb.save_to_buffer().unwrap()
}

/// The same zip with one entry's text changed.
fn rewrite_entry(bytes: &[u8], name: &str, change: impl Fn(String) -> String) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..src.len() {
        let mut e = src.by_index(i).unwrap();
        let entry = e.name().unwrap().to_string();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        if entry == name {
            data = change(String::from_utf8(data).unwrap()).into_bytes();
        }
        out.start_file(entry, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Files of a few KB that, read naively, ask for terabytes: two far-apart cells (a dense grid between them),
/// a shared-strings count of a trillion (reserved up front), and a sheet that unpacks to far more than it weighs.
fn hostile_files() -> Vec<(&'static str, Vec<u8>)> {
    let corners = workbook(|s| {
        s.write(1_048_575, 16_383, "x").unwrap();
    });
    let huge_count = rewrite_entry(&workbook(|_| {}), "xl/sharedStrings.xml", |x| {
        let at = x.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
        let end = at + x[at..].find('"').unwrap();
        format!("{}1000000000000{}", &x[..at], &x[end..])
    });
    let bomb = rewrite_entry(&workbook(|_| {}), "xl/worksheets/sheet1.xml", |x| x.replacen("<sheetData>", &format!("<sheetData>{}", " ".repeat(40 << 20)), 1));
    // The same count written as an XML reader accepts it but a text search might miss: after a line break, in
    // single quotes, with spaces around `=`, behind a decoy in a comment, and after 8 KB of padding.
    let count_as = |attr: &'static str| {
        rewrite_entry(&workbook(|_| {}), "xl/sharedStrings.xml", move |x| {
            let start = x.find("<sst").unwrap();
            let end = start + x[start..].find('>').unwrap();
            format!("{}<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"{attr}>{}", &x[..start], &x[end + 1..])
        })
    };
    let newline = count_as("\nuniqueCount=\"1000000000000\"");
    let quotes = count_as(" uniqueCount='1000000000000'");
    let spaces = count_as(" uniqueCount = \"1000000000000\"");
    let decoy = rewrite_entry(&count_as(" uniqueCount=\"1000000000000\""), "xl/sharedStrings.xml", |x| x.replacen("<sst", "<!-- uniqueCount=\"1\" --><sst", 1));
    let padded = rewrite_entry(&count_as(" uniqueCount=\"1000000000000\""), "xl/sharedStrings.xml", |x| x.replacen("<sst", &format!("<!-- {} --><sst", "x".repeat(8192)), 1));
    vec![
        ("corners.xlsx", corners), ("huge-count.xlsx", huge_count), ("bomb.xlsx", bomb), ("newline.xlsx", newline), ("quotes.xlsx", quotes),
        ("spaces.xlsx", spaces), ("decoy.xlsx", decoy), ("padded.xlsx", padded),
    ]
}

/// The parser runs in a child process capped at 1 GiB of address space, so an abort fails this test, not the
/// whole suite: on the code before the limits, each of these files killed the server.
#[test]
fn a_tiny_hostile_xlsx_is_refused_not_fatal() {
    if let Ok(which) = std::env::var("TAPHUAN_XLSX_CHILD") {
        let (name, bytes) = hostile_files().into_iter().find(|(n, _)| *n == which).unwrap();
        let err = app::admin::class_list::read_table(name, &bytes).expect_err("refused");
        assert!(err.contains("Tệp"), "a Vietnamese reason: {err}");
        return;
    }
    for (name, bytes) in hostile_files() {
        assert!(bytes.len() < 200_000, "{name} is small: {} bytes", bytes.len());
        let status = std::process::Command::new("prlimit")
            .arg("--as=1073741824")
            .arg("--")
            .arg(std::env::current_exe().unwrap())
            .args(["--exact", "class_list::a_tiny_hostile_xlsx_is_refused_not_fatal", "--nocapture"])
            .env("TAPHUAN_XLSX_CHILD", name)
            .status()
            .expect("prlimit (util-linux) runs");
        assert!(status.success(), "{name}: the parser died or accepted it: {status:?}");
    }
}

#[tokio::test]
async fn a_crafted_or_oversized_class_list_gets_a_vietnamese_message_and_the_server_keeps_serving() {
    for (backend, app) in TestApp::each_backend().await {
        let c = trainer(&app, 55).await;
        for (name, bytes) in hostile_files() {
            let (status, page) = upload(&app, &c, name, bytes, &[]).await;
            assert_eq!(status, 400, "{backend} {name}: {page}");
            assert!(page.contains("Không đọc được tệp") && page.contains("Tệp"), "{backend} {name}: {page}");
        }
        // One row over the limit, as CSV and as XLSX: refused whole, nobody created.
        let mut csv = String::from("Họ và tên,Số điện thoại,Tổ chức,Loại hình,Xã phường\n");
        for i in 0..app::admin::class_list::MAX_ROWS {
            csv += &format!("Người {i},09{:08},HTX,HTX,28756\n", 70_000_000 + i);
        }
        let (status, page) = upload(&app, &c, "lop.csv", csv.into_bytes(), &[]).await;
        assert!(status == 400 && page.contains("hơn 2000 dòng"), "{backend}: {status} {page}");
        let big = workbook(|s| {
            s.write(app::admin::class_list::MAX_ROWS as u32, 0, "Người thừa").unwrap();
        });
        let (status, page) = upload(&app, &c, "lop.xlsx", big, &[]).await;
        assert!(status == 400 && page.contains("hơn 2000 dòng"), "{backend}: {status} {page}");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM app_user WHERE full_name LIKE 'Người %'").await, 0, "{backend}");
        // The server is still there, and a proper list still imports.
        assert_eq!(app.get("/healthz").await.0, 200, "{backend}");
        let (status, page) = upload(&app, &c, "lop.xlsx", workbook(|_| {}), &[]).await;
        assert_eq!(status, 200, "{backend}: {page}");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM app_user WHERE full_name = 'Nguyễn Văn Một'").await, 1, "{backend}");
    }
}
