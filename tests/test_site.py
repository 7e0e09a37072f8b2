"""The leader's view: the static site, as files and in Debian's Chromium, and `serve`.

One site is built for the module from the demo ledger (with milestones added and committed
to git), and one browser drives it; both are shared by the tests below.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

AS_OF = "2023-10-31"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]
MILESTONES = {
    '      - id: "20.1"\n': "        milestones: [{by: 2023-06-30, value: 10}, {by: 2023-09-30, value: 25, text: 三季度末完成主体路段}, {by: 2023-11-30, value: 41}]\n",
    "  - id: 38\n": "    milestones: [{by: 2023-09-30, text: 三季度末完成主体工程}]\n",
}


def _zctasks(
    env: dict[str, str], *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zctasks", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=600,
    )


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo ledger with two milestones, committed; its site built twice."""
    base = tmp_path_factory.mktemp("site")
    env = {
        **os.environ,
        "ZCTASKS_CACHE_DIR": str(base / "cache"),
        "GIT_AUTHOR_NAME": "张分析",
        "GIT_AUTHOR_EMAIL": "a@example.org",
        "GIT_COMMITTER_NAME": "张分析",
        "GIT_COMMITTER_EMAIL": "a@example.org",
        "GIT_AUTHOR_DATE": "2023-11-01T09:00:00+08:00",
        "GIT_COMMITTER_DATE": "2023-11-01T09:00:00+08:00",
        # the hooks that init installed call zctasks from the PATH
        "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"],
    }
    env.pop("ZCTASKS_ROOT", None)
    root = base / "台账"
    done = _zctasks(env, "init", str(root), "--demo")
    assert done.returncode == 0, done.stderr
    tasks = root / "data" / "tasks.yaml"
    text = tasks.read_text("utf-8")
    for anchor, line in MILESTONES.items():
        assert anchor in text
        text = text.replace(anchor, anchor + line, 1)
    tasks.write_text(text, "utf-8")
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(root), "commit", "-qm", "台账"], check=True, env=env)
    sites = {}
    for name in ("site", "again"):
        done = _zctasks(env, "--root", str(root), "site", "-o", str(base / name), "--as-of", AS_OF)
        assert done.returncode == 0, done.stderr
        sites[name] = base / name
    sites["root"] = root
    sites["stderr"] = done.stderr  # of the second build
    return sites


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_the_site_has_every_page(built):
    site = built["site"]
    files = _files(site)
    for name in (
        "index.html",
        "board.html",
        "board-units.html",
        "search.html",
        "assets/site.css",
        "assets/search.js",
        "assets/search-index.js",
    ):
        assert name in files
    assert sorted(int(n[6:-5]) for n in files if n.startswith("tasks/")) == list(range(1, 67))
    assert sorted(int(n[9:-5]) for n in files if n.startswith("chapters/")) == list(range(1, 13))
    units = [n for n in files if n.startswith("units/")]
    assert len(units) == 43
    again = built["again"]
    assert built["stderr"].startswith(f"已生成网站 {again}（125 个页面，")


def test_the_same_commit_and_date_give_the_same_bytes(built):
    first, second = _files(built["site"]), _files(built["again"])
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


REFERENCE = re.compile(rb"""(?:src|href)\s*=\s*["']([^"']*)["']|url\(\s*["']?([^"')]*)""")


def test_nothing_is_requested_from_outside_the_folder(built):
    site = built["site"]
    for name, data in _files(site).items():
        if not name.endswith((".html", ".css", ".js")):
            continue
        without_namespaces = re.sub(rb'xmlns(:\w+)?="[^"]*"', b"", data)
        assert b"http://" not in without_namespaces and b"https://" not in without_namespaces, name
        assert b"//" not in b"".join(m.group(1) or b"" for m in REFERENCE.finditer(data)), name
        for match in REFERENCE.finditer(data):
            target = (match.group(1) or match.group(2) or b"").decode()
            if not target or target.startswith(("#", "data:")):
                continue
            resolved = (site / name).parent / target.split("#")[0].split("?")[0]
            assert resolved.resolve().is_relative_to(site.resolve()), (name, target)
            assert resolved.exists(), (name, target)


def test_the_overview_counts_agree_with_status(built):
    import json

    env = {**os.environ, "ZCTASKS_CACHE_DIR": str(built["site"].parent / "cache")}
    status = json.loads(
        _zctasks(env, "--root", str(built["root"]), "status", "--as-of", AS_OF, "-f", "json").stdout
    )
    page = (built["site"] / "index.html").read_text("utf-8")
    for light, name in (
        ("done", "已完成"),
        ("green", "序时推进"),
        ("yellow", "滞后"),
        ("red", "严重滞后"),
        ("grey", "未报送"),
    ):
        count = status["counts"][light]
        assert (
            f'<div class="tile l-{light}">\n  <p class="name">{name}</p>\n  <p class="count">{count}<small>项</small></p>'
            in page
        )
    assert "截至2023年10月31日　序时进度83.3%" in page
    assert page.count('<figure class="chart">') == 3


def test_the_board_has_months_milestones_marks_and_the_as_of_line(built):
    page = (built["site"] / "board.html").read_text("utf-8")
    months = re.findall(r'<th class="month( now)?">([^<]+)</th>', page)
    assert [label for _, label in months] == ["2023年1月", *(f"{m}月" for m in range(2, 13))]
    assert [label for now, label in months if now] == ["10月"]
    row = page[page.index('<a href="tasks/20.html">') :]
    row = row[: row.index("</tr>")]
    cells = re.findall(r"<td(?: class=\"[^\"]*\")?(?: style=\"[^\"]*\")?>(.*?)</td>", row)[1:]
    assert len(cells) == 12
    assert (
        cells[0] == "" and cells[5] == "<em>◆6/30 20.1达10公里</em>"
    )  # before the plan's issue: no light
    assert "<em>◆9/30 20.1达25公里 三季度末完成主体路段</em>" in cells[8]
    assert (cells[10], cells[11]) == ("<em>◆11/30 20.1达41公里</em>", "<b>期</b>")
    assert re.search(r'<td class="[dgyrn] now" style="--now:98.4%">', row)  # 10月31日
    assert "◆9/30 三季度末完成主体工程" in page
    assert "区交通运输局" in row  # the responsible unit on the row


def test_a_task_page_has_its_history_entries_and_commits(built):
    page = (built["site"] / "tasks" / "20.html").read_text("utf-8")
    assert "<h1>第20项 加快交通基础设施建设</h1>" in page
    assert "计划进度" in page or "节点" in page
    assert "<h2>灯色变化</h2>" in page and "2023年7月25日" in page
    assert page.count('<figure class="chart">') == len(re.findall(r"<tr><td>20\.\d</td>", page))
    assert "提交 <code>" in page and "张分析 2023-11-01" in page
    entries = re.search(r"<h2>全部记录（(\d+)条）</h2>", page)
    assert entries is not None and int(entries.group(1)) > 5


def test_a_unit_page_has_tasks_punctuality_and_urges(built):
    pages = {p: p.read_text("utf-8") for p in (built["site"] / "units").glob("*.html")}
    urged = [text for text in pages.values() if "<h2>收到的催办单（0张）</h2>" not in text]
    assert urged, "the demo ledger's slips appear on their units' pages"
    text = urged[0]
    assert re.search(r"<td>川发改催〔2023〕\d+号</td>", text)
    assert re.search(r"<td>(已反馈|逾期反馈|部分反馈|未反馈|逾期未反馈)", text)
    assert "<h2>按期报送情况（每月25日前报送）</h2>" in text
    assert re.search(r'<td class="p-(reported|late|partial|missing)">', text)


def test_search_index_holds_titles_texts_and_notes(built):
    index = (built["site"] / "assets" / "search-index.js").read_text("utf-8")
    assert index.startswith("window.ZCTASKS_INDEX=[")
    assert "第30项 打好深度节水控水攻坚战" in index and "【示例数据】" in index


def test_pages_print_on_a4_and_lights_carry_their_names(built):
    css = (built["site"] / "assets" / "site.css").read_text("utf-8")
    assert "@page { size: A4;" in css and "@page board { size: A4 landscape;" in css
    page = (built["site"] / "chapters" / "1.html").read_text("utf-8")
    assert '<span class="light l-red">严重滞后</span>' in page
    board = (built["site"] / "board.html").read_text("utf-8")
    assert re.search(r'<td class="r">(<i>报\d+</i>)?严重</td>', board)


def test_an_output_folder_that_is_not_a_site_is_refused(zc, reported, tmp_path):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    result = zc("site", "-o", str(busy), root=reported)
    assert (result.exit_code, result.stderr) == (
        2,
        f"错误：输出目录 {busy} 不是空目录，也不是 zctasks 生成的网站\n提示：换一个新目录，或先清空它\n",
    )
    assert (busy / "notes.txt").read_text() == "mine"
    result = zc("site", "-o", str(reported / "data" / "site"), root=reported)
    assert result.exit_code == 2 and "在台账数据或 git 目录中" in result.stderr
    assert not (reported / "data" / "site").exists()


def test_without_a_chinese_font_the_site_is_built_without_charts(
    zc, reported, tmp_path, monkeypatch
):
    from zctasks.documents import plots

    monkeypatch.setattr(plots, "_FONTS", {})
    monkeypatch.setattr(plots, "CJK_FAMILIES", ())
    result = zc("site", "-o", str(tmp_path / "s"), "--as-of", "2023-07-31", root=reported)
    assert result.exit_code == 0
    assert result.stderr.startswith(
        "注意：本机没有能显示中文的字体，无法绘制图表（否则文字会显示为方框）；网站不含图表。"
    )
    assert "<svg" not in (tmp_path / "s" / "index.html").read_text("utf-8")


def _get(url: str, method: str = "GET") -> tuple[int, str]:
    request = urllib.request.Request(url, method=method, data=b"x" if method == "POST" else None)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_serve_is_read_only_and_rebuilds_when_the_ledger_changes(zc, reported):
    from zctasks.site.serve import Server

    before = {p: p.read_bytes() for p in (reported / "data").rglob("*") if p.is_file()}
    server = Server(reported, None, port=0, report=lambda text: None)
    server.start()
    try:
        status, page = _get(server.url + "index.html")
        assert status == 200 and "本地只读浏览：本服务只读取台账文件，从不写入" in page
        status, page = _get(server.url + "tasks/3.html")
        assert "本地只读浏览" in page and "召开推进会" in page
        assert _get(server.url + "index.html", "POST")[0] == 405
        after = {p: p.read_bytes() for p in (reported / "data").rglob("*") if p.is_file()}
        assert after == before
        result = zc(
            "progress",
            "add",
            "3",
            "--by",
            "区发改局",
            "--date",
            "2023-07-28",
            "--note",
            "完成项目谋划",
            root=reported,
        )
        assert result.exit_code == 0, result.stderr
        deadline = time.monotonic() + 30
        while "完成项目谋划" not in _get(server.url + "tasks/3.html")[1]:
            assert time.monotonic() < deadline, "the site was not rebuilt"
            time.sleep(0.3)
    finally:
        server.stop()


def test_network_shares_are_polled():
    from zctasks.site import serve

    assert serve.needs_polling(Path("/proc")) is False
    assert "nfs" in serve.NETWORK_FILE_SYSTEMS and "cifs" in serve.NETWORK_FILE_SYSTEMS


# ---------------------------------------------------------------------- in Chromium


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run installs Debian's chromium")
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, built):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    opened = context.new_page()
    opened.problems = []  # console errors, page errors and requests outside the site
    folder = built["site"].resolve().as_uri() + "/"
    opened.on("console", lambda m: opened.problems.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda e: opened.problems.append(str(e)))
    opened.on(
        "request",
        lambda r: None if r.url.startswith(folder) else opened.problems.append(f"outside: {r.url}"),
    )
    yield opened
    context.close()


def test_click_from_the_overview_to_a_chapter_a_task_a_unit_and_back(page, built):
    site = built["site"].resolve()
    page.goto((site / "index.html").as_uri())
    assert page.locator("h1").inner_text() == "总览"
    page.click("table.counts >> text=四、推进降碳减污扩绿增长")
    assert page.url.endswith("/chapters/4.html")
    assert page.locator("h1").inner_text() == "四、推进降碳减污扩绿增长"
    page.click("table.tasks >> text=打好深度节水控水攻坚战")
    assert page.url.endswith("/tasks/30.html")
    page.click("dl.facts >> text=区水利局")
    assert page.locator("h1").inner_text() == "区水利局"
    page.go_back()
    assert page.url.endswith("/tasks/30.html")
    page.go_back()
    page.go_back()
    assert page.url.endswith("/index.html")
    page.click("nav >> text=搜索")
    page.fill("#q", "节水")
    assert page.locator("#results li").count() >= 1
    assert "第30项" in page.locator("#results").inner_text()
    assert page.problems == []


def test_screenshots_of_the_overview_and_the_board(page, built, tmp_path):
    from PIL import Image

    site = built["site"].resolve()
    for name in ("index.html", "board.html"):
        page.goto((site / name).as_uri())
        shot = tmp_path / f"{name}.png"
        page.screenshot(path=str(shot))
        with Image.open(shot) as image:
            assert image.size == (1920, 1080)
            colours = image.convert("RGB").getcolors(1920 * 1080) or []
            assert len(colours) > 50  # a page, not a blank
    assert page.problems == []


def test_a_task_page_prints_on_a4(page, built, tmp_path):
    site = built["site"].resolve()
    page.goto((site / "tasks" / "20.html").as_uri())
    pdf = tmp_path / "task.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+59[45]\.\d+ x 84[12]\.\d+ pts \(A4\)", info), info
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "第20项 加快交通基础设施建设" in text and "截至2023年10月31日" in text
    assert page.problems == []
