//! `taphuan seed-demo --learners N`: realistic synthetic data for demos and benchmarks. Learners get
//! Vietnamese names, organisations and communes (a few provinces and communes hold most of them, as in a
//! real programme), then enrolments, lessons, quiz attempts, completions and certificates spread over 18
//! months. Rows go in through the same tables as real use; the dashboard summary is then rebuilt from them.
//! Seeded learners have no password, so they cannot sign in, unless the caller gives a hash (load tests).

use crate::error::ServerError;
use app::db::bulk::Val;
use app::db::demo::{self, Batch};
use app::db::{new_id, now_ms, Db};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::Path;

const SURNAMES: [(&str, u32); 14] = [
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4), ("Phan", 4), ("Vũ", 4),
    ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 2),
];
const MIDDLE: [&str; 14] = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Xuân", "Thu", "Hoàng", "Kim", "Thị Thu", "Văn Đức"];
const GIVEN: [&str; 36] = [
    "An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiền", "Hoa", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long",
    "Mai", "Minh", "Nam", "Nga", "Ngọc", "Nhung", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tuấn",
    "Tuyết", "Vân", "Yến", "Đạt", "Ánh",
];
const PRODUCTS: [&str; 18] = [
    "Chè", "Cà phê", "Mật ong", "Gạo", "Nước mắm", "Bưởi", "Xoài", "Nấm", "Miến dong", "Tỏi", "Mây tre đan", "Gốm",
    "Thổ cẩm", "Hồ tiêu", "Điều", "Sâm", "Quế", "Hồi",
];
/// Organisation types with their share of learners (percent).
const ORG_MIX: [(&str, u32); 6] =
    [("ho-san-xuat", 35), ("hop-tac-xa", 30), ("doanh-nghiep", 15), ("to-hop-tac", 10), ("co-quan-nha-nuoc", 5), ("khac", 5)];
const TOPICS: [&str; 20] = [
    "Bán hàng trên sàn thương mại điện tử", "Quản lý tài chính hợp tác xã", "Truy xuất nguồn gốc", "Thiết kế bao bì",
    "An toàn thực phẩm", "Xây dựng thương hiệu", "Kế toán cơ bản", "Du lịch cộng đồng", "Chụp ảnh sản phẩm",
    "Bán hàng qua livestream", "Hồ sơ OCOP", "Quản trị nhân sự", "Xuất khẩu nông sản", "Sản xuất theo VietGAP",
    "Hóa đơn điện tử", "Bảo vệ dữ liệu cá nhân", "Marketing trên mạng xã hội", "Liên kết chuỗi giá trị",
    "Kiểm soát chất lượng", "Tiếp cận vốn vay",
];

fn pick_weighted<'a, T>(rng: &mut StdRng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|i| i.1).sum();
    let mut x = rng.random_range(0..total);
    for (item, w) in items {
        if x < *w {
            return item;
        }
        x -= w;
    }
    &items[items.len() - 1].0
}

/// Picks an index in 0..n where low indices are more likely (weight 1/(i+1)^s), from cumulative weights
/// made once: a national seed draws a commune for each of a million learners, and summing a province's
/// hundred weights at every draw was most of the generator's time.
struct Skewed {
    cumulative: Vec<f64>,
}

impl Skewed {
    fn new(n: usize, s: f64) -> Skewed {
        let mut acc = 0.0;
        Skewed { cumulative: (0..n).map(|i| { acc += 1.0 / ((i + 1) as f64).powf(s); acc }).collect() }
    }

    fn pick(&self, rng: &mut StdRng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.random::<f64>() * total;
        self.cumulative.partition_point(|c| *c <= x).min(self.cumulative.len().saturating_sub(1))
    }
}

/// A commune's name without its kind ("Xã Tân Lập" → "Tân Lập").
fn place(name: &str) -> &str {
    for p in ["Xã ", "Phường ", "Đặc khu ", "Thị trấn "] {
        if let Some(rest) = name.strip_prefix(p) {
            return rest;
        }
    }
    name
}

/// Write synthetic courses (clearly marked as illustrations) so the catalog holds `want` courses.
fn write_demo_courses(dir: &Path, from: usize, want: usize) -> std::io::Result<()> {
    for i in from..want {
        let topic = TOPICS[i % TOPICS.len()];
        let slug = format!("minh-hoa-{:02}", i + 1);
        let d = dir.join(&slug);
        std::fs::create_dir_all(&d)?;
        std::fs::write(
            d.join("course.toml"),
            format!(
                "title = \"Khoá minh họa {:02}: {topic}\"\nsummary = \"Khoá học minh họa cho dữ liệu mẫu; nội dung chưa phải bài học thật.\"\n\
                 category = \"{}\"\naudience = \"Dữ liệu mẫu\"\nhours = 2\nlanguage = \"vi\"\nversion = \"1.0.0\"\nauthors = [\"taphuan seed-demo\"]\n",
                i + 1,
                ["quan-tri", "marketing", "chuyen-doi-so"][i % 3]
            ),
        )?;
        let lessons = 5 + i % 4;
        for l in 1..=lessons {
            std::fs::write(
                d.join(format!("{l:02}-bai-{l}.md")),
                format!("---\ntitle: Bài {l}\nminutes: 10\n---\n\nNội dung minh họa của bài {l} về {}.\n", topic.to_lowercase()),
            )?;
        }
        std::fs::write(
            d.join(format!("{:02}-kiem-tra.quiz.md", lessons + 1)),
            "---\ntitle: Kiểm tra\npass: 70\nattempts: 3\n---\n\n## Câu hỏi minh họa một\n\n- (x) Đúng\n- ( ) Sai\n\n> Câu hỏi mẫu.\n\n\
             ## Câu hỏi minh họa hai\n\n- ( ) Sai\n- (x) Đúng\n\n> Câu hỏi mẫu.\n",
        )?;
    }
    Ok(())
}

/// What was made.
#[derive(Debug, Default)]
pub struct Seeded {
    pub learners: usize,
    pub enrolments: usize,
    pub progress: usize,
    pub attempts: usize,
    pub certificates: usize,
}

/// Seed `learners` synthetic learners (and courses up to `courses`), reproducibly from `seed`.
pub async fn seed_demo(db: &Db, learners: usize, courses: usize, seed: u64, password_hash: &str) -> Result<Seeded, ServerError> {
    crate::ensure_regions(db).await?;
    let have = demo::courses(db).await?.len();
    if have < courses {
        let dir = std::env::temp_dir().join(format!("taphuan-demo-courses-{}", std::process::id()));
        write_demo_courses(&dir, have, courses).map_err(|e| ServerError::File { path: dir.clone(), message: e.to_string() })?;
        let failed = crate::import_courses(db, &dir, false).await?;
        let _ = std::fs::remove_dir_all(&dir);
        if failed {
            return Err(ServerError::Config("the generated demo courses did not import".into()));
        }
    }
    let infos: Vec<demo::DemoCourse> = demo::courses(db).await?.into_iter().take(courses.max(1)).collect();

    // Provinces in a fixed shuffled order so a few hold most learners; communes likewise inside each.
    let mut rng = StdRng::seed_from_u64(seed);
    let mut provinces = demo::provinces(db).await?;
    for (_, c) in provinces.iter_mut() {
        // Deterministic shuffle.
        for i in (1..c.len()).rev() {
            c.swap(i, rng.random_range(0..=i));
        }
    }
    let mut order: Vec<usize> = (0..provinces.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.random_range(0..=i));
    }
    if provinces.is_empty() {
        return Err(ServerError::Config("no regions loaded".into()));
    }

    let start_index = demo::seeded_learners(db).await?;
    let mut gen = Generator {
        rng,
        provinces_pick: Skewed::new(order.len(), 0.9),
        commune_picks: provinces.iter().map(|(_, c)| Skewed::new(c.len(), 0.7)).collect(),
        courses_pick: Skewed::new(infos.len(), 0.5),
        wanted_pick: Skewed::new(8, 0.5),
        provinces,
        order,
        infos,
        now: now_ms(),
        next_index: start_index,
        password_hash: password_hash.to_string(),
        out: Seeded::default(),
    };

    // The generator runs on its own thread and hands over batches of 1,000 learners; on PostgreSQL two
    // transactions write at once (it uses both cores), on SQLite one (a single writer).
    let writers = if db.backend == app::db::Backend::Postgres { 2 } else { 1 };
    let (send, mut batches) = tokio::sync::mpsc::channel::<Batch>(writers * 2);
    let generator = tokio::task::spawn_blocking(move || {
        let mut done = 0;
        while done < learners {
            let n = 1000.min(learners - done);
            if send.blocking_send(gen.batch(n)).is_err() {
                break;
            }
            done += n;
        }
        gen.out
    });
    let mut progress = crate::progress::Progress::new("seed-demo", learners as u64, "learners");
    let mut written = 0u64;
    let mut inflight = tokio::task::JoinSet::new();
    while let Some(b) = batches.recv().await {
        if inflight.len() >= writers {
            written += joined(inflight.join_next().await)?;
            progress.set(written);
        }
        let db = db.clone();
        let n = b.users.len() as u64;
        inflight.spawn(async move { demo::insert_batch(&db, b).await.map(|()| n) });
    }
    while let Some(r) = inflight.join_next().await {
        written += joined(Some(r))?;
        progress.set(written);
    }
    let out = generator.await.map_err(|e| ServerError::Config(format!("the generator stopped: {e}")))?;
    progress.finish();
    let mut steps = crate::progress::Progress::steps("seed-demo: dashboard summary");
    // Every lesson and attempt above comes with its enrolment.
    app::db::summary::rebuild_reporting(db, true, &mut |s| steps.step(s)).await?;
    // Fresh statistics so both query planners see the new sizes.
    steps.step("ANALYZE");
    demo::analyze(db).await?;
    steps.finish();
    Ok(out)
}

/// A writer's result: learners written, or its error.
fn joined(r: Option<Result<Result<u64, sqlx::Error>, tokio::task::JoinError>>) -> Result<u64, ServerError> {
    match r {
        Some(Ok(Ok(n))) => Ok(n),
        Some(Ok(Err(e))) => Err(e.into()),
        Some(Err(e)) => Err(ServerError::Config(format!("a seed writer stopped: {e}"))),
        None => Ok(0),
    }
}

/// Everything the generator draws from, and what it has made.
struct Generator {
    rng: StdRng,
    provinces: Vec<(String, Vec<(String, String)>)>,
    order: Vec<usize>,
    provinces_pick: Skewed,
    commune_picks: Vec<Skewed>,
    courses_pick: Skewed,
    wanted_pick: Skewed,
    infos: Vec<demo::DemoCourse>,
    now: i64,
    next_index: i64,
    password_hash: String,
    out: Seeded,
}

impl Generator {
    /// The next `n` learners with everything they did.
    fn batch(&mut self, n: usize) -> Batch {
        let Generator { rng, provinces, order, provinces_pick, commune_picks, courses_pick, wanted_pick, infos, now, next_index, password_hash, out } = self;
        let now = *now;
        let day = 86_400_000i64;
        let mut b = Batch::default();
        for _ in 0..n {
            let idx = *next_index;
            *next_index += 1;
            let id = new_id();
            let p = order[provinces_pick.pick(rng)];
            let communes = &provinces[p].1;
            let (commune_code, commune_name) = if communes.is_empty() {
                (provinces[p].0.clone(), String::new())
            } else {
                communes[commune_picks[p].pick(rng)].clone()
            };
            let name = format!(
                "{} {} {}",
                pick_weighted(rng, &SURNAMES),
                MIDDLE[rng.random_range(0..MIDDLE.len())],
                GIVEN[rng.random_range(0..GIVEN.len())]
            );
            let org_type = *pick_weighted(rng, &ORG_MIX);
            let product = PRODUCTS[rng.random_range(0..PRODUCTS.len())];
            let at = place(&commune_name);
            let org_name = match org_type {
                "hop-tac-xa" => format!("HTX {product} {at}"),
                "to-hop-tac" => format!("Tổ hợp tác {product} {at}"),
                "doanh-nghiep" => format!("Công ty TNHH {product} {at}"),
                "ho-san-xuat" => format!("Hộ kinh doanh {name}"),
                "co-quan-nha-nuoc" => format!("UBND {commune_name}"),
                _ => format!("Hội Nông dân {at}"),
            };
            let created = now - rng.random_range(0..540 * day);
            b.users.push(vec![
                Val::Text(id.clone()),
                Val::Text(format!("+8497{idx:07}")),
                Val::Text(name.clone()),
                Val::Text(app::text::fold(&name)),
                Val::Text(org_name),
                Val::Text(org_type.to_string()),
                Val::Text(commune_code),
                Val::Text(password_hash.to_string()),
                Val::Int(created),
            ]);
            // Enrolments: most learners take a few courses; early courses are the popular ones.
            let wanted = 2 + wanted_pick.pick(rng);
            let mut taken: Vec<usize> = Vec::new();
            while taken.len() < wanted.min(infos.len()) {
                let c = courses_pick.pick(rng);
                if !taken.contains(&c) {
                    taken.push(c);
                }
            }
            for c in taken {
                let info = &infos[c];
                let enrolled = (created + rng.random_range(0..45 * day)).min(now);
                let source = if rng.random_bool(0.6) { "class_list" } else { "self" };
                b.enrolments.push(vec![Val::Text(id.clone()), Val::Text(info.id.clone()), Val::Int(enrolled), Val::Text(source.into())]);
                out.enrolments += 1;
                // Lessons in order, a few days apart, never in the future; some stop early.
                let keen = rng.random::<f64>();
                let mut t = enrolled;
                let mut all = true;
                for (lesson_id, hash) in &info.lessons {
                    t += rng.random_range(day / 4..6 * day);
                    if t > now || rng.random::<f64>() > 0.7 + keen * 0.4 {
                        all = false;
                        break;
                    }
                    b.progress.push(vec![Val::Text(id.clone()), Val::Text(lesson_id.clone()), Val::Text(hash.clone()), Val::Int(t)]);
                    out.progress += 1;
                }
                let Some((quiz_id, quiz_rev, pass)) = &info.quiz else { continue };
                if !all {
                    continue;
                }
                for _ in 0..2 {
                    t += rng.random_range(day / 24..3 * day);
                    if t > now {
                        break;
                    }
                    let passed = rng.random_bool(0.8);
                    let percent = if passed { rng.random_range(*pass..=100.0) } else { rng.random_range(20.0..*pass) }.round();
                    b.attempts.push(vec![
                        Val::Text(new_id()),
                        Val::Text(id.clone()),
                        Val::Text(quiz_id.clone()),
                        Val::Text(quiz_rev.clone()),
                        Val::Int(rng.random_range(0..i64::from(u32::MAX))),
                        Val::Text("[]".into()),
                        Val::Int(t - 600_000),
                        Val::OptInt(None),
                        Val::OptInt(Some(t)),
                        Val::OptFloat(Some(percent)),
                        Val::OptFloat(Some(100.0)),
                        Val::OptFloat(Some(percent)),
                        Val::OptInt(Some(i64::from(passed))),
                    ]);
                    out.attempts += 1;
                    if passed {
                        b.completions.push(vec![Val::Text(id.clone()), Val::Text(info.id.clone()), Val::Text(info.rev.clone()), Val::Int(t)]);
                        b.certificates.push(vec![
                            Val::Text(app::db::certificate::new_code()),
                            Val::Text(id.clone()),
                            Val::Text(info.id.clone()),
                            Val::Int(t),
                            Val::Text(name.clone()),
                            Val::Text(info.title.clone()),
                            Val::Float(info.hours),
                        ]);
                        out.certificates += 1;
                        break;
                    }
                }
            }
        }
        out.learners += n;
        b
    }
}
