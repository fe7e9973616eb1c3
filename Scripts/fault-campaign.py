#!/usr/bin/env python3
"""The fault campaign: every fault of the hardening issue (11), run against the palaver binary.

Each fault starts a fresh HOME (XDG folders inside it), a fresh fake-anthropic on a free
loopback port, runs one palaver command on a pseudo-terminal (so what palaver writes is what a
terminal would receive) and prints one row:

    fault | exit | message | store | key seen | escapes

- exit: the exit code (signals as "SIG…"; a crash shows as 132/134/139 or SIGILL/SIGSEGV);
- message: the last line palaver wrote (sanitised here for the table);
- store: what palaver.sqlite holds (roles/statuses and the characters kept per message);
- key seen: where any 12-character piece of the key appeared: the terminal output, a file under
  HOME (but credentials.toml and files the fault itself wrote), the database, or the command line
  of a child process (polled every 5 ms while palaver runs). "no" is the only good answer;
- escapes: whether an ESC or C1 control byte reached the terminal ("no" is the only good answer).

The expected exit code of each fault is checked too; the script exits 1 when any row is bad.

Usage: Scripts/fault-campaign.py [--bin DIR] [--only SUBSTRING]
DIR holds palaver and fake-anthropic (default .build/release, built first when missing).
"""
import argparse
import base64
import json
import os
import pty
import re
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

KEY = "sk-ant-api03-Campaign7Rz4Qw8Lk2Mn6Bv0Cx3Za9Sd5Fg1Hj7Kl4Pq2Wo8Ei6Ru0Ty3Ua5Sd9Fg1Hj7Kl-5xZ2Qw8ErTyUi3Op7AsDfAA"
ESC_STORM = "\x1b]52;c;cHduZWQ=\x07\x1b]0;pwned\x07\x1b[2J\x1bP+q544e\x1b\\\u009b31m\u202egnp.exe"


def pieces(secret, n=12, public="sk-ant-api03-"):
    """Every n-character piece of the key but the one or two that lie wholly in its public start."""
    return {secret[i:i + n] for i in range(len(secret) - n + 1) if i + n > len(public)}


KEY_PIECES = pieces(KEY)
KEY_ENCODED = {urllib.parse.quote(KEY, safe=""), "".join("%%%02X" % b for b in KEY.encode()),
               base64.b64encode(KEY.encode()).decode()[:40]}


def leaked(data: bytes):
    text = data.decode("utf-8", "replace")
    return any(p in text for p in KEY_PIECES) or any(e in text for e in KEY_ENCODED)


class Fake:
    """fake-anthropic on a free port, key given by environment (never on a command line)."""

    def __init__(self, bindir):
        env = dict(os.environ, FAKE_ANTHROPIC_KEYS=KEY)
        self.proc = subprocess.Popen([os.path.join(bindir, "fake-anthropic"), "--port", "0", "--log-level", "critical"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        if not m:
            raise SystemExit("fake-anthropic did not start: " + line)
        self.url = f"http://127.0.0.1:{m.group(1)}"

    def control(self, path, body=None, method="POST"):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.read()

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def descendants(pid):
    kids, frontier = [], [pid]
    try:
        stats = []
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open(f"/proc/{d}/stat") as f:
                        s = f.read()
                    stats.append((int(d), int(s[s.rindex(")") + 2:].split()[1])))
                except OSError:
                    pass
        while frontier:
            p = frontier.pop()
            for child, parent in stats:
                if parent == p:
                    kids.append(child)
                    frontier.append(child)
    except OSError:
        pass
    return kids


def run(bindir, args, env, stdin_text=None, timeout=60, send_signal=None, keys=None):
    """Runs palaver on a pty; returns (exit, terminal bytes, child command lines leaked)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(env["HOME"])
        os.execve(os.path.join(bindir, "palaver"), ["palaver"] + args, env)
    out = bytearray()
    start = time.monotonic()
    cmdline_leak = False
    sent = False
    status = None
    if stdin_text is not None:
        os.write(fd, stdin_text.encode())
    while True:
        now = time.monotonic() - start
        if send_signal and not sent and (now >= send_signal[1] or (send_signal[2] and send_signal[2].encode() in out)):
            time.sleep(0.2 if send_signal[2] else 0)
            os.kill(pid, send_signal[0])
            sent = True
        if keys and now < 30:
            for line in keys:
                if line[0] <= now and not line[2]:
                    os.write(fd, line[1].encode())
                    line[2] = True
        for child in descendants(pid):
            try:
                with open(f"/proc/{child}/cmdline", "rb") as f:
                    if leaked(f.read()):
                        cmdline_leak = True
            except OSError:
                pass
        r, _, _ = select.select([fd], [], [], 0.005)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            if chunk:
                out += chunk
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = st
            # drain
            while True:
                r, _, _ = select.select([fd], [], [], 0.05)
                if not r:
                    break
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            break
        if now > timeout:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            status = None
            break
    os.close(fd)
    if status is None:
        code = "TIMEOUT"
    elif os.WIFSIGNALED(status):
        code = signal.Signals(os.WTERMSIG(status)).name
    else:
        code = os.WEXITSTATUS(status)
    return code, bytes(out), cmdline_leak


def store_summary(home):
    path = os.path.join(home, ".local/share/palaver/palaver.sqlite")
    if not os.path.exists(path):
        return "no database", b""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        rows = db.execute("""
            SELECT m.role, m.status, length(m.content) +
                   coalesce((SELECT sum(length(text)) FROM message_chunks c WHERE c.message_id = m.id), 0),
                   m.content, coalesce(m.error_summary, ''),
                   coalesce((SELECT group_concat(text, '') FROM message_chunks c WHERE c.message_id = m.id), '')
            FROM messages m ORDER BY m.conversation_id, m.position""").fetchall()
        convs = db.execute("SELECT title, model FROM conversations").fetchall()
        db.close()
    except sqlite3.Error as e:
        return f"unreadable: {e}", b""
    if not rows:
        return "empty", b""
    summary = ", ".join(f"{r[0][0]}:{r[1]}" for r in rows)
    blob = "\n".join(f"{r[3]}{r[4]}{r[5]}" for r in rows) + "\n".join(f"{c[0]}{c[1]}" for c in convs)
    return summary, blob.encode()


def files_leak(home, skip):
    for root, _, files in os.walk(home):
        for name in files:
            path = os.path.join(root, name)
            if name == "credentials.toml" or path in skip:
                continue
            try:
                with open(path, "rb") as f:
                    if leaked(f.read()):
                        return os.path.relpath(path, home)
            except OSError:
                pass
    return None


def last_line(out: bytes):
    text = out.decode("utf-8", "replace")
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", "?", text)
    lines = [l.strip() for l in text.replace("\r", "\n").split("\n") if l.strip()]
    said = [l for l in lines if l.startswith("palaver:") or l.startswith("warning:") or l.startswith("error:")]
    line = (said or lines or [""])[-1]
    return line[len("palaver: "):] if line.startswith("palaver: ") else line


def escapes(out: bytes):
    text = out.decode("utf-8", "replace")
    return bool(re.search("[\x1b\x80-\x9f]", text))


def F(name, args, expect, **kw):
    return dict(name=name, args=args, expect=expect, **kw)


def faults():
    f = []
    ask = ["ask", "--max-retries", "1", "hello"]
    # 1. numbers from the server
    for cmd, path in [(ask, "/v1/messages"), (["models"], "/v1/models"), (["doctor"], "/v1/models"), (["key", "verify"], "/v1/models")]:
        f.append(F(f"retry-after: inf on 429 ({' '.join(cmd[:2]) if cmd[0] == 'key' else cmd[0]})", cmd, {6},
                   faults=[{"kind": "status", "status": 429, "headers": {"retry-after": "inf"}, "path": path, "times": 5}]))
    f.append(F("retry-after: 1e300 on 529", ask, {6}, faults=[{"kind": "status", "status": 529, "headers": {"retry-after": "1e300"}, "times": 5}]))
    f.append(F("retry-after-ms: 9.3e18 on 429", ask, {6}, faults=[{"kind": "status", "status": 429, "headers": {"retry-after-ms": "9.3e18"}, "times": 5}]))
    f.append(F("retry-after: nan on 503 (models)", ["models"], {8}, faults=[{"kind": "status", "status": 503, "headers": {"retry-after": "nan"}, "path": "/v1/models", "times": 5}]))
    f.append(F("retry-after: 1e9 (a huge wait, said sensibly)", ask, {6}, faults=[{"kind": "status", "status": 429, "headers": {"retry-after": "1000000000"}, "times": 5}]))
    f.append(F("retry-after: inf on a 200 stream", ask, {0}, faults=[{"kind": "headers", "headers": {"retry-after": "inf", "retry-after-ms": "-9e99"}}]))
    # 2. server text to the terminal
    f.append(F("escapes in error.message and error.type", ask, {8},
               faults=[{"kind": "status", "status": 400, "error_type": "invalid_request_error" + ESC_STORM, "message": "bad" + ESC_STORM}]))
    f.append(F("HTML error page with escapes in its title", ask, {8},
               faults=[{"kind": "status", "status": 502, "headers": {"x-should-retry": "false"},
                        "body": f"<html><head><title>Bad gateway{ESC_STORM}</title></head><body>x</body></html>", "content_type": "text/html"}]))
    f.append(F("plain-text error body with escapes", ask, {8},
               faults=[{"kind": "status", "status": 500, "headers": {"x-should-retry": "false"}, "body": "oops" + ESC_STORM, "content_type": "text/plain"}]))
    f.append(F("error event with escapes inside a stream", ask, {6, 7, 8},
               faults=[{"kind": "stream_error", "after_events": 2, "error_type": "overloaded_error", "message": "busy" + ESC_STORM}]))
    models = [{"id": "claude-evil" + ESC_STORM, "display_name": "Evil" + ESC_STORM, "created_at": "2026-11-01T00:00:00Z"},
              {"id": "claude-good-1", "display_name": "Good", "created_at": "2025-01-01T00:00:00Z"}]
    f.append(F("model ids and names with escapes (models)", ["models"], {0}, models=models))
    f.append(F("model ids with escapes (ask picks the newest)", ask, {0, 8}, models=models, then=["sessions", "list"]))
    # 3. the key echoed back
    f.append(F("server echoes the key without its prefix", ask, {8}, faults=[{"kind": "status", "status": 400, "message": "your key " + KEY[7:] + " is odd"}]))
    f.append(F("server echoes a 20-character fragment", ask, {8}, faults=[{"kind": "status", "status": 400, "message": "fragment " + KEY[30:50]}]))
    f.append(F("server echoes the key percent-encoded", ask, {8}, faults=[{"kind": "status", "status": 400, "message": "url " + "".join("%%%02X" % b for b in KEY.encode())}]))
    f.append(F("api_key_helper prints the key (no prefix) to stderr and fails", ask, {3},
               key_via_helper=f"#!/bin/sh\necho 'cannot unlock: {KEY[7:]}' >&2\nexit 1\n"))
    f.append(F("api_key_helper times out with a daemon holding the pipe", ask, {0, 3},
               key_via_helper=f"#!/bin/sh\nsetsid sleep 30 </dev/null &\nsleep 30\necho {KEY}\n", helper_timeout=1))
    f.append(F("api_key_helper leaves a setsid daemon but answers", ask, {0},
               key_via_helper=f"#!/bin/sh\nsetsid sleep 30 &\necho {KEY}\n", helper_timeout=2))
    f.append(F("api_key_helper output with one trailing newline (no warning)", ask, {0}, key_via_helper=f"#!/bin/sh\nprintf '%s\\n' {KEY}\n", no_warning=True))
    f.append(F("doctor on a quoted key", ["doctor", "--no-verify"], {3}, env_key='"' + KEY + '"'))
    f.append(F("doctor on an export-shaped key", ["doctor", "--no-verify"], {3}, env_key="export ANTHROPIC_API_KEY=" + KEY))
    f.append(F("doctor on a NAME=value gateway token", ["doctor", "--no-verify"], {3}, env_key="", env_token="GATEWAY_TOKEN=" + KEY))
    # 7. limits
    f.append(F("endless pings (reply deadline 3 s)", ["ask", "--reply-timeout", "3", "hello"], {7}, faults=[{"kind": "pings", "interval_ms": 200}]))
    f.append(F("one byte a second (reply deadline 3 s)", ["ask", "--reply-timeout", "3", "hello"], {7}, faults=[{"kind": "trickle", "interval_ms": 1000}]))
    f.append(F("a 17 MiB SSE line", ask, {7, 8}, faults=[{"kind": "huge_line", "size_mb": 17}]))
    f.append(F("a 65 MiB --no-stream body", ["ask", "--no-stream", "hello"], {7, 8}, faults=[{"kind": "huge_body", "size_mb": 65}]))
    f.append(F("a 9 MiB /v1/models body", ["models"], {7, 8}, faults=[{"kind": "huge_body", "size_mb": 9, "path": "/v1/models"}]))
    # 8. true messages
    f.append(F("gzip body nobody asked for", ["ask", "--no-stream", "hello"], {8}, faults=[{"kind": "gzip"}]))
    f.append(F("valid JSON of the wrong shape", ["ask", "--no-stream", "hello"], {8}, faults=[{"kind": "wrong_shape"}]))
    f.append(F("a 302 redirect elsewhere", ask, {8}, faults=[{"kind": "redirect", "status": 302, "location": "https://evil.example/steal"}]))
    f.append(F("base_url with CR/LF", ask, {2}, base_url_suffix="/\r\nX-Evil: 1"))
    # 5. signals
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        f.append(F(f"{sig.name} while a reply streams", ask, {130, 128 + sig.value, sig.name},
                   reply={"text": "word " * 400, "chunk_chars": 5, "delay_ms": 20}, signal=(sig, 6, "word word word"), check_interrupted=True))
    f.append(F("ask -c while the database is locked", ["ask", "-c", "again"], {1, 2, 8, 9, 10}, lock_db=True))
    # credentials.toml with profiles (issue 13): hostile text in a profile's key never reaches the terminal
    evil_profiles = (f'api_key = "{KEY}"\nfallback = "evil"\n[profiles.evil]\napi_key = "x{ESC_STORM}"\n'
                     f'fallback = "default"\n[profiles.spare]\napi_key = "{KEY[:40]}\u202e\u200b"\n')
    f.append(F("credentials.toml: escapes in profile keys (key list)", ["key", "list"], {0}, env_key="",
               credentials=evil_profiles))
    f.append(F("credentials.toml: escapes in profile keys (key use, doctor)", ["key", "use", "evil"], {0, 3}, env_key="",
               credentials=evil_profiles, then=["doctor", "--no-verify"]))
    f.append(F("credentials.toml: 64 KiB of [profiles.x] sections", ["key", "list"], {0, 1, 3}, env_key="",
               credentials="".join(f"[profiles.p{i}]\napi_key = \"{KEY}\"\n" for i in range(2000))))
    # deep nesting
    f.append(F("config.toml nested 100,000 arrays deep", ask, {2}, config_extra="x = " + "[" * 100000 + "]" * 100000 + "\n"))
    return f


def one(bindir, fault):
    home = tempfile.mkdtemp(prefix="palaver-campaign-")
    fake = Fake(bindir)
    skip = set()
    try:
        fake.control("/_control/reset")
        if fault.get("reply"):
            fake.control("/_control/reply", fault["reply"])
        if fault.get("models"):
            fake.control("/_control/models", {"models": fault["models"]})
        for x in fault.get("faults", []):
            fake.control("/_control/faults", x)
        env = {"HOME": home, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TERM": "xterm-256color",
               "XDG_CONFIG_HOME": f"{home}/.config", "XDG_DATA_HOME": f"{home}/.local/share",
               "XDG_STATE_HOME": f"{home}/.local/state", "LANG": "C.UTF-8",
               "ANTHROPIC_BASE_URL": fake.url + fault.get("base_url_suffix", "")}
        if "env_key" in fault:
            if fault["env_key"]:
                env["ANTHROPIC_API_KEY"] = fault["env_key"]
        elif "key_via_helper" not in fault:
            env["ANTHROPIC_API_KEY"] = KEY
        if fault.get("env_token"):
            env["ANTHROPIC_AUTH_TOKEN"] = fault["env_token"]
        config = ""
        if "key_via_helper" in fault:
            helper = os.path.join(home, "helper.sh")
            with open(helper, "w") as h:
                h.write(fault["key_via_helper"])
            os.chmod(helper, 0o700)
            skip.add(helper)
            config += f'api_key_helper = "{helper}"\napi_key_helper_timeout = {fault.get("helper_timeout", 5)}\n'
        config += fault.get("config_extra", "")
        if "credentials" in fault:
            os.makedirs(f"{home}/.config/palaver", mode=0o700, exist_ok=True)
            path = f"{home}/.config/palaver/credentials.toml"
            with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as c:
                c.write(fault["credentials"])
        if config:
            os.makedirs(f"{home}/.config/palaver", exist_ok=True)
            with open(f"{home}/.config/palaver/config.toml", "w") as c:
                c.write(config)
        locker = None
        if fault.get("lock_db"):
            # A first exchange creates the database, then another process holds its write lock.
            run(bindir, ["ask", "first"], env, timeout=30)
            locker = sqlite3.connect(f"{home}/.local/share/palaver/palaver.sqlite", timeout=1, isolation_level=None)
            locker.execute("BEGIN EXCLUSIVE")
        sig = fault.get("signal")
        t0 = time.monotonic()
        code, out, cmdline_leak = run(bindir, fault["args"], env, timeout=90,
                                      send_signal=(sig[0], sig[1], sig[2]) if sig else None)
        elapsed = time.monotonic() - t0
        if locker:
            locker.rollback()
            locker.close()
        if fault.get("then"):
            _, more, leak2 = run(bindir, fault["then"], env, timeout=30)
            out += more
            cmdline_leak |= leak2
        store, blob = store_summary(home)
        where = []
        if leaked(out):
            where.append("terminal")
        if leaked(blob):
            where.append("database")
        f = files_leak(home, skip)
        if f:
            where.append(f)
        if cmdline_leak:
            where.append("child cmdline")
        esc = escapes(out)
        ok = code in fault["expect"] and not where and not esc
        msg = last_line(out)
        if fault.get("no_warning") and re.search(r"(?i)whitespace|newline", out.decode("utf-8", "replace")):
            ok = False
            msg = "warned: " + msg
        if fault.get("check_interrupted") and "interrupted" not in store:
            ok = False
        return dict(name=fault["name"], code=code, msg=msg, store=store, key=", ".join(where) or "no",
                    esc="YES" if esc else "no", ok=ok, seconds=elapsed)
    finally:
        fake.stop()
        shutil.rmtree(home, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", default=".build/release")
    p.add_argument("--only", default="")
    a = p.parse_args()
    a.bin = os.path.abspath(a.bin)
    if not os.path.exists(os.path.join(a.bin, "palaver")):
        subprocess.check_call(["swift", "build", "-c", "release", "--product", "palaver"])
        subprocess.check_call(["swift", "build", "-c", "release", "--product", "fake-anthropic"])
    rows = [one(a.bin, f) for f in faults() if a.only in f["name"]]
    w = max(len(r["name"]) for r in rows)
    print(f"{'fault':<{w}} | exit    | key seen | escapes | store                          | message")
    print("-" * (w + 120))
    for r in rows:
        flag = "" if r["ok"] else "  <-- BAD"
        print(f"{r['name']:<{w}} | {str(r['code']):<7} | {r['key']:<8} | {r['esc']:<7} | {r['store'][:30]:<30} | {r['msg'][:220]}{flag}")
    bad = [r for r in rows if not r["ok"]]
    print(f"\n{len(rows)} faults, {len(rows) - len(bad)} as expected, {len(bad)} bad; "
          f"key seen in {sum(r['key'] != 'no' for r in rows)}, escapes in {sum(r['esc'] != 'no' for r in rows)}, "
          f"crashes {sum(str(r['code']) in ('SIGILL', 'SIGSEGV', 'SIGABRT', 'SIGTRAP', '132', '134', '139') for r in rows)}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
