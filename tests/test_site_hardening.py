"""The site and serve under attack: output folders that are not the site's own, a killed
build, control characters in notes; serve and a pending batch, hostile requests, a ledger
that turns invalid. (From the second adversarial probe: F1, F9, F10, F12.)"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

AS_OF = "2023-07-31"


def _tree(folder: Path) -> dict[str, bytes | None]:
    """Every file and folder under ``folder`` (folders as None), by relative path."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
    }


def _site(zc, root: Path, output: Path):
    return zc("site", "-o", str(output), "--as-of", AS_OF, root=root)


# ---------------------------------------------------------------- F1: what -o may replace


def test_a_ledger_with_a_planted_marker_is_refused_and_kept_whole(zc, reported):
    subprocess.run(["git", "-C", str(reported), "init", "-q"], check=True)
    (reported / ".zctasks-site").write_text("zctasks site\n")
    before = _tree(reported)
    result = _site(zc, reported, reported)
    assert (result.exit_code, result.stderr) == (
        2,
        f"错误：输出目录 {reported} 是一个台账（有 data/tasks.yaml），不会替换\n"
        "提示：网站请写到台账之外的新目录，如 -o ../网站\n",
    )
    assert _tree(reported) == before
    assert not [p for p in reported.parent.iterdir() if ".zctasks-" in p.name]


def test_a_site_made_a_git_repository_is_refused(zc, reported, tmp_path):
    site = tmp_path / "网站"
    assert _site(zc, reported, site).exit_code == 0
    subprocess.run(["git", "-C", str(site), "init", "-q"], check=True)
    before = _tree(site)
    result = _site(zc, reported, site)
    assert (result.exit_code, result.stderr) == (
        2,
        f"错误：输出目录 {site} 中有 git 仓库（.git），不会替换\n"
        "提示：网站请写到新目录；要用 git 发布，生成后再复制到仓库中\n",
    )
    assert _tree(site) == before


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ("README-部署.md", "README-部署.md"),
        ("附件/通知.pdf", "附件/"),
        ("tasks/notes.txt", "tasks/notes.txt"),
        ("tasks/99.html", "tasks/99.html"),  # site-shaped, but not written by the last build
    ],
)
def test_files_the_build_did_not_write_are_named_and_kept(zc, reported, tmp_path, extra, named):
    site = tmp_path / "网站"
    assert _site(zc, reported, site).exit_code == 0
    (site / extra).parent.mkdir(exist_ok=True)
    (site / extra).write_text("部署说明")
    before = _tree(site)
    result = _site(zc, reported, site)
    assert (result.exit_code, result.stderr) == (
        2,
        f"错误：输出目录 {site} 中有不是 zctasks 生成的文件：{named}，不会替换\n"
        "提示：换一个新目录，或先移走不是网站的文件\n",
    )
    assert _tree(site) == before


def test_a_site_is_replaced_whole_and_lists_its_files(zc, reported, tmp_path):
    site = tmp_path / "网站"
    assert _site(zc, reported, site).exit_code == 0
    first = _tree(site)
    assert (
        first[".zctasks-site"]
        == (
            "zctasks site\n"
            + "".join(
                f"{name}\n"
                for name in sorted(
                    n for n, c in first.items() if c is not None and n != ".zctasks-site"
                )
            )
        ).encode()
    )
    assert "tasks/3.html" in first[".zctasks-site"].decode().splitlines()
    (site / "tasks" / "3.html").write_text("edited by hand")
    (site / "tasks" / "2.html").unlink()
    result = _site(zc, reported, site)
    assert result.exit_code == 0, result.stderr
    assert _tree(site) == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger", "网站"]
    assert oct(site.stat().st_mode & 0o777) == oct(0o777 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_site_of_an_earlier_release_is_replaced_when_it_holds_only_pages(zc, reported, tmp_path):
    """Before the marker listed the files, it held one line: such a site is replaced when it
    holds nothing but the site's own kinds of file."""
    site = tmp_path / "网站"
    assert _site(zc, reported, site).exit_code == 0
    built = _tree(site)
    (site / ".zctasks-site").write_text("zctasks site\n")
    (site / "tasks" / "99.html").write_text("a task since removed from the plan")
    result = _site(zc, reported, site)
    assert result.exit_code == 0, result.stderr
    assert _tree(site) == built
    (site / ".zctasks-site").write_text("zctasks site\n")
    (site / "deploy.sh").write_text("rsync …")
    result = _site(zc, reported, site)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"错误：输出目录 {site} 中有不是 zctasks 生成的文件：deploy.sh，不会替换\n"
    )


def test_a_failed_build_leaves_the_old_site_and_no_temporary(zc, reported, tmp_path, monkeypatch):
    from zctasks.site import build

    site = tmp_path / "网站"
    assert _site(zc, reported, site).exit_code == 0
    before = _tree(site)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(build, "unit_page", killed)
    assert _site(zc, reported, site).exit_code == 130  # as Ctrl+C mid-build
    assert _tree(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger", "网站"]


def test_what_a_killed_build_left_beside_the_site_is_removed_by_the_next(zc, reported, tmp_path):
    site = tmp_path / "网站"
    assert _site(zc, reported, site).exit_code == 0
    for name in (".网站.zctasks-new-abc123", ".网站.zctasks-old-def456"):
        (tmp_path / name / "tasks").mkdir(parents=True)
        (tmp_path / name / "tasks" / "1.html").write_text("half")
    assert _site(zc, reported, site).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger", "网站"]


def test_a_dangling_symlink_as_output_is_named(zc, reported, tmp_path):
    link = tmp_path / "网站"
    link.symlink_to(tmp_path / "不存在")
    result = _site(zc, reported, link)
    assert (result.exit_code, result.stderr) == (
        2,
        f"错误：输出目录 {link} 是符号链接，它指向的 {tmp_path / '不存在'} 不存在\n"
        "提示：请给出普通目录，如 -o 网站\n",
    )
    assert link.is_symlink() and not (tmp_path / "不存在").exists()


# ---------------------------------------------------------------- F9, F10: serve


def _request(
    server, path: str, method: str = "GET", host: str | None = None
) -> tuple[int, dict[str, str], str]:
    """A raw request (any method, any Host header, any bytes in the path)."""
    import http.client

    port = int(server.url.rstrip("/").rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest(method, path, skip_host=host is not None)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read().decode("utf-8")
    finally:
        connection.close()


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".zctasks.lock"
    }


PENDING = (
    '<p class="stale" role="alert">台账中有一批被中断的写入尚未补完（data/progress），'
    "本页按现有文件显示，可能缺少这批记录；运行 zctasks check 即可补完（本服务只读，不会补完）。"
    '</p>\n<header class="top">'
)


def test_serve_leaves_a_pending_batch_alone_and_says_so(zc, make_ledger, tmp_path):
    from test_journal import _killed_after_journal
    from test_kills import _batch
    from zctasks.site.serve import Server

    root = make_ledger()
    assert zc("progress", "import", str(_batch(tmp_path, "已有")), root=root).exit_code == 0
    _killed_after_journal(root, tmp_path, "中断")
    before = _files(root / "data")
    assert ".tmp-zctasks-journal" in "".join(before)
    reports: list[str] = []
    server = Server(root, None, port=0, report=reports.append)
    server.start()
    try:
        status, _, page = _request(server, "/index.html")
        assert status == 200 and PENDING in page
        assert PENDING in _request(server, "/tasks/1.html")[2]
        assert _files(root / "data") == before
        assert reports == [
            "注意：台账中有一批被中断的写入尚未补完（data/progress），本页按现有文件显示，"
            "可能缺少这批记录；运行 zctasks check 即可补完（本服务只读，不会补完）。"
        ]
    finally:
        server.stop()
    assert zc("check", root=root).exit_code == 0  # the next writer or reader completes it
    assert ".tmp-zctasks-journal" not in "".join(_files(root / "data"))


def test_serve_answers_only_get_and_head_for_its_own_host(zc, reported, capfd):
    from zctasks.site.serve import Server

    reports: list[str] = []
    server = Server(reported, None, port=0, report=reports.append)
    server.start()
    port = server.url.rstrip("/").rsplit(":", 1)[1]
    try:
        for method in ("GET", "HEAD"):
            assert _request(server, "/index.html", method)[0] == 200
        for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"):
            status, headers, body = _request(server, "/index.html", method)
            assert (status, headers["Allow"]) == (405, "GET, HEAD"), method
            if method != "HEAD":
                assert "本服务只读：只接受 GET 和 HEAD 请求" in body
        for host in ("127.0.0.1", f"127.0.0.1:{port}", "localhost", f"LOCALHOST:{port}"):
            assert _request(server, "/index.html", host=host)[0] == 200, host
        for host in ("evil.example", f"evil.example:{port}", "localhost:1", "127.0.0.1.evil", ""):
            status, _, body = _request(server, "/index.html", host=host)
            assert status == 403, host
            assert "只接受以 127.0.0.1 或 localhost 访问本服务的请求" in body
        assert _request(server, "/index.html%00")[0] == 400
        assert _request(server, "/tasks/%00/x.html")[0] == 400
        assert _request(server, "/nothing.html")[0] == 404
    finally:
        server.stop()
    assert reports == []
    assert "Traceback" not in capfd.readouterr().err


def _wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def test_an_invalid_ledger_is_reported_as_check_does_and_the_pages_say_stale(zc, reported):
    from zctasks.cli.app import error_text
    from zctasks.site.serve import Server

    reports: list[str] = []
    server = Server(reported, None, port=0, report=reports.append, explain=error_text)
    server.start()
    tasks = reported / "data" / "tasks.yaml"
    good = tasks.read_bytes()
    try:
        assert '<p class="stale"' not in _request(server, "/index.html")[2]
        tasks.write_bytes(good + b"  - {id: 999, broken\n")
        line = good.count(b"\n") + 2
        _wait_for(lambda: reports, "no report of the invalid ledger")
        assert reports == [
            "错误：台账数据有 1 处错误\n"
            f"data/tasks.yaml:{line}:1: error[yaml-syntax]: YAML 语法错误：did not find "
            "expected ',' or '}'（while parsing a flow mapping）\n"
            "  提示：检查该位置的缩进、冒号和引号\n"
            "提示：运行 zctasks check 查看并修正\n"
            "台账有错误，仍显示上次生成的页面（页面上已标明可能过期）。"
        ]
        stale = (
            '<p class="stale" role="alert">台账现有错误，本页是出错前最后一次生成的内容，'
            "可能已过期；错误列在运行 zctasks serve 的窗口中（或运行 zctasks check 查看），"
            '改正后页面自动重建。</p>\n<header class="top">'
        )
        for path in ("/index.html", "/", "/tasks/3.html", "/units/1.html"):
            status, headers, page = _request(server, path)
            assert status == 200 and stale in page, path
            assert headers["Content-Length"] == str(len(page.encode()))
        assert '<p class="stale"' not in _request(server, "/assets/site.css")[2]
        tasks.write_bytes(good)
        _wait_for(lambda: len(reports) > 1, "no rebuild once the ledger was put right")
        assert reports[1:] == ["台账已改动，页面已重建。"]
        assert '<p class="stale"' not in _request(server, "/index.html")[2]
    finally:
        server.stop()


def test_serve_removes_its_temporary_folder_when_terminated(reported, tmp_path):
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "ZCTASKS_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("ZCTASKS_ROOT", None)
    serving = subprocess.Popen(
        [sys.executable, "-m", "zctasks", "--root", str(reported), "serve", "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert serving.stderr is not None
        first = serving.stderr.readline()
        assert first.startswith("正在提供 http://127.0.0.1:"), first
        assert [p.name[:14] for p in temp.iterdir()] == ["zctasks-serve-"]
        serving.send_signal(signal.SIGTERM)
        assert serving.wait(timeout=30) == 128 + signal.SIGTERM
        assert serving.stderr.read() == ""
    finally:
        serving.kill()
        serving.wait()
    assert [p.relative_to(temp).as_posix() for p in temp.rglob("*")] == []


# ---------------------------------------------------------------- F12: control characters

HOSTILE = "完成技改投资\u202e元亿0.52\u202c，响铃\x07清屏\x1b[2J，隔离\u2066x\u2069"
SHOWN = "完成技改投资\\u202e元亿0.52\\u202c，响铃\\x07清屏\\x1b[2J，隔离\\u2066x\\u2069"


def test_control_characters_in_notes_are_shown_escaped_in_pages_and_search(zc, reported, tmp_path):
    result = zc(
        "progress", "add", "3", "--by", "区发改局", "--date", "2023-07-30",
        "--note", HOSTILE, "--next", "下一步\x1b]0;标题\x07", root=reported,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    site = tmp_path / "网站"
    assert _site(zc, reported, site).exit_code == 0
    page = (site / "tasks" / "3.html").read_text("utf-8")
    assert f"<td>{SHOWN}</td>" in page or f">{SHOWN}<" in page
    assert "下一步\\x1b]0;标题\\x07" in page
    index = (site / "assets" / "search-index.js").read_text("utf-8")
    assert SHOWN.replace("\\", "\\\\") in index
    unseen = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
    for path, content in _tree(site).items():
        if content is not None:
            assert unseen.search(content.decode("utf-8")) is None, path


# ---------------------------------------------------------------- charts: workers and cache


def test_charts_drawn_in_workers_or_here_or_taken_from_the_cache_are_the_same(
    zc, reported, tmp_path, monkeypatch
):
    from zctasks.documents import plots
    from zctasks.site import build

    assert _site(zc, reported, tmp_path / "here").exit_code == 0
    here = _tree(tmp_path / "here")
    assert (here["tasks/1.html"] or b"").count(b"<svg") == 2
    monkeypatch.setenv("ZCTASKS_CACHE_DIR", str(tmp_path / "cold"))
    monkeypatch.setattr(build, "PARALLEL_CHARTS", 2)
    monkeypatch.setattr(build.os, "cpu_count", lambda: 2)
    drawn_here: list[str] = []
    real = plots.trajectory

    def counted(*args):
        drawn_here.append(args[0])
        return real(*args)

    monkeypatch.setattr(plots, "trajectory", counted)  # here only: workers import their own
    assert _site(zc, reported, tmp_path / "workers").exit_code == 0
    assert drawn_here == []  # every chart was drawn in a worker
    assert _tree(tmp_path / "workers") == here

    def never(*args):
        raise AssertionError("drawn again")

    monkeypatch.setattr(plots, "trajectory", never)
    assert _site(zc, reported, tmp_path / "cached").exit_code == 0
    assert _tree(tmp_path / "cached") == here


def test_git_blame_runs_once_a_month_file_for_the_whole_site(zc, reported, tmp_path, monkeypatch):
    from zctasks.site import gitinfo

    subprocess.run(["git", "-C", str(reported), "init", "-q"], check=True)
    subprocess.run(["git", "-C", str(reported), "add", "-A"], check=True)
    subprocess.run(
        ["git", "-C", str(reported), "-c", "user.name=张分析", "-c", "user.email=a@example.org",
         "commit", "-qm", "台账", "--no-verify"],
        check=True,
    )  # fmt: skip
    blamed: list[str] = []
    real = gitinfo.blame

    def counted(root, relative):
        blamed.append(relative)
        return real(root, relative)

    monkeypatch.setattr(gitinfo, "blame", counted)
    assert _site(zc, reported, tmp_path / "网站").exit_code == 0
    assert sorted(blamed) == ["data/progress/2023-06.yaml", "data/progress/2023-07.yaml"]
    assert "提交 <code>" in (tmp_path / "网站" / "tasks" / "1.html").read_text("utf-8")


def test_a_change_made_while_serve_starts_watching_is_not_missed(reported):
    """The watch begins a moment after the first build: a change in between is found by
    comparing the files with those the pages were built from."""
    from zctasks.site.serve import Server

    reports: list[str] = []
    server = Server(reported, None, port=0, report=reports.append)
    server.start()
    tasks = reported / "data" / "tasks.yaml"
    try:
        tasks.write_bytes(tasks.read_bytes() + b"  - {id: 999, broken\n")
        _wait_for(lambda: reports, "the change was missed")
        assert reports[0].startswith("错误：台账数据有 1 处错误")
    finally:
        server.stop()
