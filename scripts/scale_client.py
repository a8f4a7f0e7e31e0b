#!/usr/bin/env python3
"""The load client of scripts/scale-test.sh: learners sign in, then every (learner, quiz) pair starts an
attempt and submits it, all at once, as phones without JavaScript do (plain form posts). Any error (a
refused connection, a 502 from nginx, a 500, a timeout) is retried with the same attempt: the client never
knows whether a lost answer was stored, so it sends it again, and the server must answer a resend with
the stored result, never a second copy. Standard library only.

  scale_client.py signin-elsewhere --sign-in URL --check URL --phone P --password W
  scale_client.py load --base URL --learners N --quizzes course/quiz,... --password W --out FILE
  scale_client.py summary --db URL > FILE        (the dashboard summary tables, sorted)
  scale_client.py verify --db URL --acked FILE --since MS
"""
import argparse, http.client, json, os, re, sqlite3, subprocess, sys, threading, time, urllib.parse

TIMEOUT = 30


def request(base, method, path, body=None, cookie=None):
    """One request, no redirects followed: (status, headers, text)."""
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=TIMEOUT)
    headers = {"Accept": "text/html,application/xhtml+xml", "Host": u.netloc}
    if cookie:
        headers["Cookie"] = cookie
    data = None
    if body is not None:
        data = urllib.parse.urlencode(body).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Origin"] = f"{u.scheme}://{u.netloc}"
    try:
        conn.request(method, path, body=data, headers=headers)
        r = conn.getresponse()
        text = r.read().decode("utf-8", "replace")
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.msg.get_all("Set-Cookie") or [], text
    finally:
        conn.close()


class Stats:
    def __init__(self, out):
        self.lock = threading.Lock()
        self.retries = 0
        self.errors = {}
        self.acked = []
        self.refused = []
        self.out = out

    def error(self, what):
        with self.lock:
            self.retries += 1
            self.errors[what] = self.errors.get(what, 0) + 1

    def ack(self, learner, quiz, attempt):
        with self.lock:
            self.acked.append({"phone": learner, "quiz": quiz, "attempt": attempt})
            # The test script watches this count to kill a process in the middle.
            tmp = self.out + ".count.tmp"
            with open(tmp, "w") as f:
                f.write(str(len(self.acked)))
            os.replace(tmp, self.out + ".count")


class Refused(Exception):
    """An answer that no resend can change (a 4xx, a refused form): a failure of the test, reported."""


def final(status, what):
    if 400 <= status < 500:
        raise Refused(f"{what}: {status}")


def retrying(stats, what, fn, deadline):
    """Call fn until it returns something other than None, counting every failure; gives up at deadline."""
    pause = 0.1
    while True:
        try:
            r = fn()
            if isinstance(r, int):
                stats.error(f"{what}: {r}")
            elif r is not None:
                return r
            else:
                stats.error(what + ": unexpected answer")
        except (OSError, http.client.HTTPException) as e:
            stats.error(f"{what}: {type(e).__name__}")
        if time.time() > deadline:
            raise RuntimeError(f"{what}: no answer before the deadline")
        time.sleep(pause)
        pause = min(pause * 2, 2.0)


def sign_in(base, phone, password, stats, deadline):
    def go():
        status, h, cookies, _ = request(base, "POST", "/api/login", {"phone": phone, "password": password, "next": "/"})
        sid = [c.split(";")[0] for c in cookies if c.startswith("taphuan_sid=")]
        if status in (302, 303) and sid and "loi" not in h.get("location", ""):
            return sid[0]
        if status >= 500:
            return status
        raise Refused(f"sign-in of {phone}: {status} {h.get('location')}")
    return retrying(stats, "sign-in", go, deadline)


INPUT = re.compile(r"<input\b([^>]*)>")
ATTR = re.compile(r'([a-zA-Z_:-]+)="([^"]*)"')


def answers(html):
    """The form's fields: hidden ones as they are, the first option of each choice, a number for text."""
    form, chosen = [], set()
    for m in INPUT.finditer(html):
        a = dict(ATTR.findall(m.group(1)))
        name, kind = a.get("name"), a.get("type", "text")
        if not name:
            continue
        if kind == "hidden":
            form.append((name, a.get("value", "")))
        elif kind in ("radio", "checkbox"):
            if name not in chosen:
                chosen.add(name)
                form.append((name, a.get("value", "")))
        elif kind in ("text", "number", "") or "inputmode" in a:
            form.append((name, "1"))
    return form


def take_quiz(base, cookie, phone, course, quiz, stats, deadline):
    # Start (or find the open attempt again: a resent start is answered with the same attempt).
    def start():
        status, h, _, _ = request(base, "POST", "/api/start_attempt", {"course": course, "quiz": quiz}, cookie)
        loc = h.get("location", "")
        if status in (302, 303) and "/lan/" in loc:
            return loc.split("?")[0]
        if status in (302, 303) and "loi" in loc:
            return ("refused", loc)
        final(status, "start")
        return status
    page = retrying(stats, "start", start, deadline)
    if isinstance(page, tuple):
        with stats.lock:
            stats.refused.append({"phone": phone, "quiz": f"{course}/{quiz}", "why": page[1]})
        return
    attempt = page.rsplit("/", 1)[1]

    def read():
        status, _, _, html = request(base, "GET", page, cookie=cookie)
        final(status, "attempt page")
        return answers(html) if status == 200 else status
    form = retrying(stats, "attempt page", read, deadline)

    def submit():
        status, h, _, _ = request(base, "POST", page + "/nop", form, cookie)
        loc = h.get("location", "")
        if status in (302, 303) and loc.split("?")[0] == page:
            if "loi=" in loc:
                raise Refused(f"submission of {attempt}: {loc}")
            return "stored"
        final(status, "submit")
        return status
    retrying(stats, "submit", submit, deadline)
    stats.ack(phone, f"{course}/{quiz}", attempt)


def load(args):
    stats = Stats(args.out)
    deadline = time.time() + args.deadline
    quizzes = [q.split("/") for q in args.quizzes.split(",")]
    phones = [f"097{i:07d}" for i in range(args.learners)]
    cookies = {}

    def sign(p):
        cookies[p] = sign_in(args.base, p, args.password, stats, deadline)
    threads = [threading.Thread(target=sign, args=(p,)) for p in phones]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if len(cookies) != len(phones):
        raise SystemExit("not every learner signed in")
    started = time.time()
    failures = []

    def one(p, c, q):
        try:
            take_quiz(args.base, cookies[p], p, c, q, stats, deadline)
        except BaseException as e:  # noqa: BLE001 - reported below, never swallowed
            failures.append(f"{p} {c}/{q}: {e}")
    threads = [threading.Thread(target=one, args=(p, c, q)) for p in phones for c, q in quizzes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.time() - started
    json.dump({"acked": stats.acked, "refused": stats.refused, "retries": stats.retries, "errors": stats.errors,
               "failures": failures, "seconds": took}, open(args.out, "w"), indent=1)
    print(f"client: {len(threads)} submissions from {len(phones)} learners in {took:.1f} s: "
          f"{len(stats.acked)} acknowledged, {len(stats.refused)} refused, {stats.retries} retries "
          f"({', '.join(f'{k} {v}' for k, v in sorted(stats.errors.items())) or 'none'}), {len(failures)} failures")
    for f in failures[:10]:
        print("  failure:", f)
    return 0 if not failures else 1


def signin_elsewhere(args):
    """A session made through one process is honoured by the other."""
    stats = Stats("/dev/null")
    cookie = sign_in(args.sign_in, args.phone, args.password, stats, time.time() + 60)
    status, _, _, html = request(args.check, "GET", "/tai-khoan", cookie=cookie)
    if status != 200 or "/api/logout" not in html:
        print(f"the session made at {args.sign_in} is not honoured at {args.check}: {status}")
        return 1
    status_anon, h, _, html = request(args.check, "GET", "/tai-khoan")
    if "/api/logout" in html:
        print("the account page answered as signed in without a session")
        return 1
    print(f"session: signed in through {args.sign_in}, the account page answers through {args.check} (and without the cookie: {status_anon} to {h.get('location', '-')})")
    return 0


def query(url, sql):
    """Rows as tuples of text: psql for PostgreSQL, Python's sqlite3 for SQLite (read-only)."""
    if url.startswith("postgres"):
        out = subprocess.run(["psql", url, "-X", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                             check=True, capture_output=True, text=True).stdout
        return [tuple(line.split("\t")) for line in out.splitlines() if line]
    path = url.split("://", 1)[1].split("?")[0]
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [tuple("" if v is None else (repr(float(v)) if isinstance(v, float) else str(v)) for v in row)
                for row in con.execute(sql)]
    finally:
        con.close()


SUMMARY = [
    "SELECT user_id, course_id, region_path, org_type, enrolled_at, last_active_at, lessons_done, best_score, "
    "passed_at, completed_at, certified_at, certificate_code FROM learner_course ORDER BY user_id, course_id",
    "SELECT region_path, course_id, org_type, month, enrolled, completed, certified, completions FROM stat_cell "
    "WHERE enrolled <> 0 OR completed <> 0 OR certified <> 0 OR completions <> 0 "
    "ORDER BY region_path, course_id, org_type, month",
]


def summary(args):
    for sql in SUMMARY:
        for row in query(args.db, sql):
            # Scores as numbers, whatever the database prints (70 or 70.0).
            print("\t".join(str(float(v)) if re.fullmatch(r"-?\d+\.\d*", v or "") else v for v in row))
    return 0


def verify(args):
    acked = json.load(open(args.acked))["acked"]
    ids = [a["attempt"] for a in acked]
    since = int(args.since)
    rows = query(args.db, f"SELECT id, user_id, quiz_id, CASE WHEN submitted_at IS NULL THEN 0 ELSE 1 END FROM attempt WHERE started_at >= {since}")
    submitted = {r[0] for r in rows if r[3] == "1"}
    per_pair = {}
    for r in rows:
        per_pair[(r[1], r[2])] = per_pair.get((r[1], r[2]), 0) + 1
    records = query(args.db, f"SELECT id, COUNT(*) FROM learning_record WHERE kind = 'attempt_submitted' AND received_at >= {since} GROUP BY id")
    recorded = {r[0]: int(r[1]) for r in records}
    lost = [i for i in ids if i not in submitted]
    twice_acked = len(ids) - len(set(ids))
    unacked = sorted(submitted - set(ids))
    doubled_pairs = sum(1 for n in per_pair.values() if n > 1)
    doubled_records = sum(1 for n in recorded.values() if n > 1)
    not_recorded = [i for i in ids if i not in recorded]
    print(f"stored: {len(ids)} acknowledged submissions; {len(submitted)} submitted attempts in the database; "
          f"{len(lost)} acknowledged but not stored; {len(unacked)} stored but never acknowledged; "
          f"{doubled_pairs} learner-quiz pairs with a second attempt; {len(recorded)} ledger records, "
          f"{doubled_records} doubled, {len(not_recorded)} acknowledged without one")
    ok = not lost and not unacked and not doubled_pairs and not doubled_records and not not_recorded and not twice_acked
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("signin-elsewhere")
    s.add_argument("--sign-in", required=True)
    s.add_argument("--check", required=True)
    s.add_argument("--phone", required=True)
    s.add_argument("--password", required=True)
    l = sub.add_parser("load")
    l.add_argument("--base", required=True)
    l.add_argument("--learners", type=int, default=200)
    l.add_argument("--quizzes", required=True)
    l.add_argument("--password", required=True)
    l.add_argument("--out", required=True)
    l.add_argument("--deadline", type=float, default=240)
    m = sub.add_parser("summary")
    m.add_argument("--db", required=True)
    v = sub.add_parser("verify")
    v.add_argument("--db", required=True)
    v.add_argument("--acked", required=True)
    v.add_argument("--since", required=True)
    args = ap.parse_args()
    sys.exit({"signin-elsewhere": signin_elsewhere, "load": load, "summary": summary, "verify": verify}[args.cmd](args))


if __name__ == "__main__":
    main()
