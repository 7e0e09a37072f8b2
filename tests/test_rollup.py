"""A city over its districts' own ledgers: `init --rollup`, members.yaml, the crosswalk,
`rollup fetch` and its pins, `rollup status`, the league tables and the documents.

The districts and the city are tests/rollup_ledgers.py: 淄川区 (万元, monthly) is fetched
from its repository, 张店区 (亿元, twice a month) from a bundle file it sent.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest

import rollup_ledgers as R

AS_OF = "2023-10-31"


@pytest.fixture(scope="module")
def districts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("districts")
    found = R.districts(base)
    R.git(found["张店区"], "bundle", "create", "-q", str(base / "张店区.bundle"), "main")
    return found


@pytest.fixture
def area(tmp_path, districts, zc, git_identity):
    """Copies of the districts, and the city with both as members, committed, not fetched."""
    for folder in districts.values():
        shutil.copytree(folder, tmp_path / folder.name)
    shutil.copy(districts["张店区"].parent / "张店区.bundle", tmp_path)
    result = zc("init", "--rollup", str(tmp_path / "淄博市"))
    assert result.exit_code == 0, result.stderr
    city = R.city(tmp_path / "淄博市")
    for args in (
        ["淄川区", "--remote", "../淄川区台账", "--series", "县区"],
        ["张店区", "--bundle", "../张店区.bundle", "--series", "县区"],
    ):
        assert zc("rollup", "add", *args, root=city).exit_code == 0
    R.git(city, "add", "-A")
    R.git(city, "commit", "-q", "-m", "汇总台账")
    return city


def test_init_rollup_writes_what_a_city_fills_in(zc, tmp_path, git_identity):
    result = zc("init", "--rollup", str(tmp_path / "淄博市"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"已新建汇总台账 {tmp_path / '淄博市'}（git 仓库，已安装提交前检查）\n"
        f"下一步：cd {tmp_path / '淄博市'}，导入市级计划（zctasks import 计划文件），"
        "加入成员（zctasks rollup add 名称 --remote 仓库地址），"
        "在 data/crosswalk.yaml 中写明对应关系，再运行 zctasks rollup fetch\n"
    )
    city = tmp_path / "淄博市"
    members = (city / "data" / "members.yaml").read_text("utf-8")
    assert "name: 淄博市\nsection: 各区县进展" in members
    assert members.endswith("members: []\n")
    assert (city / "data" / "crosswalk.yaml").read_text("utf-8").endswith("tasks: []\n")
    assert "addressees: 各区县人民政府，市政府有关部门" in (
        city / "data" / "config.yaml"
    ).read_text("utf-8")
    for name in ("members", "crosswalk"):
        assert (city / "schema" / f"{name}.schema.json").read_text("utf-8") == zc(
            "schema", name
        ).stdout
    assert zc("check", root=city).stdout == "检查通过：12 章，66 项任务，96 项指标，43 个单位。\n"
    assert zc("rollup", "fetch", root=city).stderr == (
        "错误：还没有成员\n提示：用 zctasks rollup add 名称 --remote 仓库地址 加入成员\n"
    )
    refused = zc("init", "--rollup", "--demo", str(tmp_path / "x"))
    assert refused.exit_code == 2
    assert not (tmp_path / "x").exists()


def test_the_schemas_in_the_repository_are_current(zc):
    for name in ("members", "crosswalk"):
        assert zc("schema", name).stdout == (R.REPO / "schema" / f"{name}.schema.json").read_text(
            "utf-8"
        )


def test_rollup_add_appends_one_line_or_writes_nothing(area, zc):
    members = area / "data" / "members.yaml"
    assert members.read_text("utf-8").endswith(
        "members:\n"
        '  - {name: 淄川区, remote: "../淄川区台账", series: 县区}\n'
        '  - {name: 张店区, bundle: "../张店区.bundle", series: 县区}\n'
    )
    before = members.read_bytes()
    for args, message in (
        (
            ["淄川区", "--remote", "x"],
            "错误：成员“淄川区”已在 data/members.yaml 中\n提示：修改它请直接编辑该文件\n",
        ),
        (
            ["博山区"],
            "错误：--remote 和 --bundle 要给出其中一个\n提示：例如 --remote ../淄川区台账\n",
        ),
        (
            ["博山区", "--remote", "--upload-pack=touch /tmp/x"],
            "错误：仓库地址“--upload-pack=touch /tmp/x”不能以“-”开头（会被 git 当作选项），没有加入\n",
        ),
        (
            ["博山区", "--remote", "ext::sh -c touch% /tmp/x"],
            "错误：仓库地址“ext::sh -c touch% /tmp/x”不能使用“传输方式::地址”的写法（会调用其他程序），没有加入\n",
        ),
        (
            ["博山区", "--remote", "../博山", "--series", "开发区"],
            "错误：序列“开发区”不在 data/members.yaml 的 series 中，没有加入\n"
            "提示：已声明的序列：县区、园区、市直部门\n",
        ),
        (
            ["博山区", "--remote", "../博山", "--branch", "a..b"],
            "错误：“a..b”不是有效的 git 分支名，没有加入\n",
        ),
        (
            ["博山\x1b[2J区", "--remote", "../博山"],
            "错误：名称“博山\\x1b[2J区”含有控制字符，没有加入\n",
        ),
    ):
        result = zc("rollup", "add", *args, root=area)
        assert result.exit_code == 2, args
        assert result.stderr == message
        assert members.read_bytes() == before
    assert (
        zc(
            "rollup",
            "add",
            "高新区",
            "--bundle",
            "收件/高新区.bundle",
            "--series",
            "园区",
            root=area,
        ).exit_code
        == 0
    )
    assert members.read_text("utf-8").endswith(
        "  - {name: 高新区, bundle: 收件/高新区.bundle, series: 园区}\n"
    )


def test_members_yaml_problems_are_located(area, zc):
    (area / "data" / "members.yaml").write_text(
        "series: [县区, 县区]\n"
        "members:\n"
        "  - {name: 淄川区, remote: ../淄川区台账, bundle: a.bundle}\n"
        "  - {name: 淄川区}\n"
        "  - {name: 张店区, remote: 'ssh2://h/x', branch: -x}\n"
        "  - {name: 博山区, remote: ../博山, colour: red}\n",
        "utf-8",
    )
    result = zc("check", root=area)
    assert result.exit_code == 1
    assert result.stdout == (
        "data/members.yaml:6:32: error[unknown-field]: 未知字段 “colour”\n"
        "  提示：检查拼写；可用 zctasks schema 查看允许的字段\n"
        "检查未通过：1 个错误，0 个警告。\n"
    )
    (area / "data" / "members.yaml").write_text(
        "series: [县区, 县区]\n"
        "members:\n"
        "  - {name: 淄川区, remote: ../淄川区台账, bundle: a.bundle}\n"
        "  - {name: 淄川区, remote: ../x}\n"
        "  - {name: 张店区, remote: 'ssh2://h/x', branch: -x}\n",
        "utf-8",
    )
    assert zc("check", root=area).stdout == (
        "data/members.yaml:1:14: error[duplicate-series]: 序列“县区”重复\n"
        "data/members.yaml:3:5: error[member-source]: 成员“淄川区”应写 remote（git 仓库地址）或 bundle（bundle 文件）中的一个\n"
        "  提示：例如 remote: https://git.example.gov.cn/zichuan/taizhang.git 或 bundle: 收件/淄川区.bundle\n"
        "data/members.yaml:4:12: error[duplicate-member]: 成员“淄川区”重复（第 1 个成员也是它）\n"
        "data/members.yaml:5:25: error[remote]: 成员“张店区”的仓库地址用了不支持的协议“ssh2”：只能用 https、http、ssh、git、file 或本地目录\n"
        "data/members.yaml:5:47: error[branch]: “-x”不是有效的 git 分支名\n"
        "检查未通过：5 个错误，0 个警告。\n"
    )
    assert zc("rollup", "status", root=area).exit_code == 1


def _fetched(zc, area):
    result = zc("rollup", "fetch", root=area)
    assert result.exit_code == 0, result.stdout + result.stderr
    R.git(area, "add", "-A")
    R.git(area, "commit", "-q", "-m", "更新成员台账")
    return result


def test_crosswalk_problems_are_located_also_against_each_members_plan(area, zc):
    _fetched(zc, area)
    (area / "data" / "crosswalk.yaml").write_text(
        "tasks:\n"
        "  - task: 9\n"
        "    members: {淄川区: 1}\n"
        "  - task: 1\n"
        "    targets:\n"
        '      - {target: "1.2", members: {淄川区: "1.1"}}\n'
        '      - {target: "1.1", members: {淄川区: "1.1", 周村区: "1.1"}, factor: 0}\n'
        "  - task: 3\n"
        "    targets:\n"
        '      - {target: "3.1", how: 相加, members: {淄川区: "3.1"}}\n'
        "  - task: 1\n"
        "    members: {淄川区: 1}\n",
        "utf-8",
    )
    assert zc("check", root=area).stdout == (
        "data/crosswalk.yaml:2:11: error[unknown-task]: 市级计划中没有第9项任务\n"
        "data/crosswalk.yaml:6:18: error[unknown-target]: 市级第1项任务没有编号为 1.2 的指标\n"
        "  提示：指标：1.1\n"
        "data/crosswalk.yaml:7:47: error[unknown-member]: “周村区”不是 data/members.yaml 中的成员\n"
        "  提示：成员：淄川区、张店区\n"
        "data/crosswalk.yaml:7:68: error[range]: 换算系数应在 0.000000000001 至 1000000000000 之间，实际为 0\n"
        "  提示：成员数值乘以它得到市级单位的数值，如万元换算成亿元是 0.0001\n"
        "data/crosswalk.yaml:10:30: error[rate-sum]: 指标 3.1 的单位是“%”，各成员的比率不能相加\n"
        "  提示：比率、百分数类指标用 how: worst（最差），取各成员中最差的灯色\n"
        "data/crosswalk.yaml:11:11: error[duplicate-task]: 第1项任务已在第 2 条对应关系中写过\n"
        "检查未通过：6 个错误，0 个警告。\n"
    )
    (area / "data" / "crosswalk.yaml").write_text(
        "tasks:\n"
        "  - task: 1\n"
        "    members: {张店区: [1, 7]}\n"
        "    targets:\n"
        '      - {target: "1.1", members: {淄川区: "2.1", 张店区: "1.9"}}\n'
        "  - task: 2\n"
        "    targets:\n"
        '      - {target: "2.1", how: share, members: {淄川区: "2.1", 张店区: "2.1"}}\n',
        "utf-8",
    )
    pinned = json.loads(
        "["
        + ",".join(
            line[2:]
            for line in (area / "data" / "members.lock").read_text("utf-8").splitlines()[1:]
        )
        + "]"
    )
    zhangdian = pinned[1]["commit"][:7]
    assert zc("check", root=area).stdout == (
        f"data/crosswalk.yaml:3:24: error[member-task]: 张店区（提交 {zhangdian}）的计划中没有第7项任务\n"
        "  提示：成员的计划变了：按它现在的任务序号改正对应关系\n"
        f"data/crosswalk.yaml:5:40: error[unit-mismatch]: 淄川区的指标 2.1 的单位是“家”，市级指标 1.1 的单位是“亿元”，无法换算\n"
        "  提示：写 factor: 换算系数（成员数值乘以它得到市级单位的数值）\n"
        f"data/crosswalk.yaml:5:52: error[member-target]: 张店区（提交 {zhangdian}）的计划中没有编号为 1.9 的指标\n"
        "  提示：成员的计划变了：按它现在的指标编号改正对应关系\n"
        "检查未通过：3 个错误，0 个警告。\n"
    )


def _lock(area: Path) -> list[dict[str, str]]:
    lines = (area / "data" / "members.lock").read_text("utf-8").splitlines()
    assert (
        lines[0]
        == "# 各成员台账锁定的提交：由 zctasks rollup fetch 写入，随台账一起提交；请勿手工修改。"
    )
    return [json.loads(line[2:]) for line in lines[1:]]


def test_fetch_pins_each_member_and_a_second_fetch_changes_nothing(area, zc, districts):
    result = zc("rollup", "fetch", root=area)
    heads = {name: R.git(folder, "rev-parse", "HEAD") for name, folder in districts.items()}
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"淄川区：锁定提交 {heads['淄川区'][:7]}\n"
        f"张店区：锁定提交 {heads['张店区'][:7]}\n"
        "写入 data/members.lock\n"
        "共 2 个成员：锁定 2 个。\n"
        "下一步：git add data/members.lock && git commit -m 更新成员台账\n"
    )
    pins = _lock(area)
    assert [(p["name"], p["commit"], p["committed"], p["source"]) for p in pins] == [
        ("淄川区", heads["淄川区"], "2023-10-28T18:00:00+08:00", "../淄川区台账"),
        ("张店区", heads["张店区"], "2023-10-28T18:00:00+08:00", "../张店区.bundle"),
    ]
    assert sorted(pins[0]) == ["commit", "committed", "name", "pinned", "source"]
    before = (area / "data" / "members.lock").read_bytes()
    again = zc("rollup", "fetch", root=area)
    assert again.stdout == (
        f"淄川区：没有新提交（{heads['淄川区'][:7]}）\n"
        f"张店区：没有新提交（{heads['张店区'][:7]}）\n"
        "共 2 个成员：没有新提交 2 个。\n"
    )
    assert (area / "data" / "members.lock").read_bytes() == before
    # the mirrors are in the repository's git folder, not in the working tree
    assert R.git(area, "status", "--porcelain") == "?? data/members.lock"
    assert len(list((area / ".git" / "zctasks" / "members").glob("*.git"))) == 2
    one = zc("rollup", "fetch", "--member", "张店区", root=area)
    assert one.stdout.splitlines()[0] == f"张店区：没有新提交（{heads['张店区'][:7]}）"
    unknown = zc("rollup", "fetch", "--member", "周村区", root=area)
    assert unknown.exit_code == 2
    assert unknown.stderr == "错误：“周村区”不是成员\n提示：成员：淄川区、张店区\n"


def _member_status(zc, source: Path, commit: str, where: Path) -> dict:
    """The member's own `status --format json` at its pinned commit, in a clone of its own."""
    subprocess.run(["git", "clone", "-q", str(source), str(where)], check=True)
    R.git(where, "checkout", "-q", commit)
    result = zc("status", "--format", "json", "--as-of", AS_OF, root=where)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_every_city_figure_is_what_the_crosswalk_makes_of_the_members_own_status(
    area, zc, tmp_path
):
    """The invariant: for every city target, the roll-up's figure equals the crosswalk
    applied to each member's own `status --format json` at the same as-of date and pinned
    commit (units converted exactly: 213456万元 is 21.3456亿元)."""
    _fetched(zc, area)
    rolled = json.loads(
        zc("rollup", "status", "--format", "json", "--as-of", AS_OF, root=area).stdout
    )
    pins = {p["name"]: p["commit"] for p in _lock(area)}
    sources = {"淄川区": tmp_path / "淄川区台账", "张店区": tmp_path / "张店区.bundle"}
    own = {
        name: _member_status(zc, sources[name], pins[name], tmp_path / f"own-{name}")
        for name in pins
    }
    figures = {
        name: {t["id"]: t["state"] for task in status["tasks"] for t in task["targets"]}
        for name, status in own.items()
    }
    lights = {
        name: {task["id"]: task["light"] for task in status["tasks"]}
        for name, status in own.items()
    }
    units = {
        name: {t["id"]: t["unit"] for task in status["tasks"] for t in task["targets"]}
        for name, status in own.items()
    }
    scale = {("万元", "亿元"): Fraction(1, 10000)}
    checked = 0
    for task in rolled["tasks"]:
        if not task["rolled_up"]:
            assert "rollup" not in task
            continue
        for target in task["rollup"]["targets"]:
            expected = Fraction(0)
            for part in target["members"]:
                state = figures[part["member"]][part["target"]]
                assert part["actual"] == (state["actual"] if state else None)
                assert part["light"] == (state["light"] if state else None)
                if state is None or target["how"] == "worst":
                    continue
                factor = scale.get((units[part["member"]][part["target"]], target["unit"]), 1)
                expected += Fraction(str(state["actual"])) * factor
            if target["how"] == "worst":
                assert target["actual"] is None
            else:
                assert Fraction(str(target["actual"])) == expected, target["id"]
                checked += 1
        for part in task["rollup"]["members"]:
            assert part["light"] == lights[part["member"]][part["task"]]
    assert checked == 2
    tasks = {t["id"]: t for t in rolled["tasks"]}
    assert tasks[1]["targets"][0]["state"]["actual"] == 41.4456  # 21.3456 + 20.1
    assert tasks[2]["targets"][0]["state"]["actual"] == 61  # 30 + 31


def test_the_same_lock_gives_the_same_bytes_anywhere(area, zc, tmp_path, districts, monkeypatch):
    """Another machine clones the city, fetches what its lock pins (while a district has
    moved on) and gets byte-identical status JSON and documents."""
    _fetched(zc, area)

    def outputs(city: Path, folder: Path) -> dict[str, bytes]:
        folder.mkdir()
        found = {
            "status.json": zc(
                "rollup", "status", "-f", "json", "--as-of", AS_OF, root=city
            ).stdout.encode()
        }
        for kind, fmt, extra in (
            ("briefing", "md", ["--week", "2023-W44"]),
            ("briefing", "docx", ["--week", "2023-W44"]),
            ("ledger", "xlsx", []),
            ("ledger", "md", []),
        ):
            out = folder / f"{kind}.{fmt}"
            result = zc(
                "rollup", "report", kind, "--as-of", AS_OF, "--date", "2023-11-01",
                "-f", fmt, "-o", str(out), *extra, root=city,
            )  # fmt: skip
            assert result.exit_code == 0, result.stderr
            found[out.name] = out.read_bytes()
        return found

    here = outputs(area, tmp_path / "here")
    R.commit_entries(
        tmp_path / "淄川区台账",
        [
            {
                "task": 1,
                "date": "2023-10-30",
                "by": "区工信局",
                "status": "推进中",
                "note": "再报",
                "values": {"1.1": 230000},
            }
        ],
        "2023-10-30T18:00:00+08:00",
    )
    elsewhere = tmp_path / "淄博市（另一台电脑）"
    subprocess.run(["git", "clone", "-q", str(area), str(elsewhere)], check=True)
    monkeypatch.setenv("ZCTASKS_CACHE_DIR", str(tmp_path / "另一个缓存"))
    missing = json.loads(
        zc("rollup", "status", "-f", "json", "--as-of", AS_OF, root=elsewhere).stdout
    )
    assert [m["state"] for m in missing["members"]] == ["unreadable", "unreadable"]
    assert missing["members"][0]["problem"].startswith("本机没有锁定的提交")
    result = zc("rollup", "fetch", "--locked", root=elsewhere)
    assert result.exit_code == 0, result.stdout
    pins = {p["name"]: p["commit"][:7] for p in _lock(area)}
    assert result.stdout == (
        f"淄川区：沿用锁定的提交 {pins['淄川区']}\n"
        f"张店区：沿用锁定的提交 {pins['张店区']}\n"
        "共 2 个成员：沿用锁定的提交 2 个。\n"
    )
    assert outputs(elsewhere, tmp_path / "there") == here
    assert json.loads(here["status.json"])["members"][0]["commit"] == _lock(area)[0]["commit"]


def test_every_member_a_bundle_and_no_remote_at_all(area, zc, tmp_path):
    """Offline: both districts send bundles — the second time only what is new since the
    pinned commit — and the city never names a remote."""
    R.git(
        tmp_path / "淄川区台账", "bundle", "create", "-q", str(tmp_path / "淄川区.bundle"), "main"
    )
    members = area / "data" / "members.yaml"
    members.write_text(
        members.read_text("utf-8").replace('remote: "../淄川区台账"', "bundle: ../淄川区.bundle"),
        "utf-8",
    )
    assert "remote" not in members.read_text("utf-8").split("members:")[1]
    first = _fetched(zc, area)
    assert first.stdout.count("锁定提交") == 2
    pinned = _lock(area)[0]["commit"]
    new = R.commit_entries(
        tmp_path / "淄川区台账",
        [
            {
                "task": 2,
                "date": "2023-10-30",
                "by": "区科技局",
                "status": "推进中",
                "note": "新增高企36家",
                "values": {"2.1": 36},
            }
        ],
        "2023-10-30T18:00:00+08:00",
    )
    R.git(
        tmp_path / "淄川区台账",
        "bundle",
        "create",
        "-q",
        str(tmp_path / "淄川区.bundle"),
        "main",
        f"^{pinned}",
    )
    assert f"\n-{pinned}".encode() in (tmp_path / "淄川区.bundle").read_bytes()[:300]  # incremental
    second = zc("rollup", "fetch", root=area)
    assert second.stdout.splitlines()[0] == f"淄川区：锁定提交 {new[:7]}"
    mirrors = list((area / ".git" / "zctasks" / "members").glob("*.git"))
    for mirror in mirrors:
        assert (
            subprocess.run(
                ["git", "--git-dir", str(mirror), "config", "--get-regexp", "^remote\\."],
                capture_output=True,
            ).stdout
            == b""
        )
    status = json.loads(zc("rollup", "status", "-f", "json", "--as-of", AS_OF, root=area).stdout)
    assert {
        t["id"]: t["targets"][0]["state"]["actual"] for t in status["tasks"] if t["id"] == 2
    } == {2: 67}


def _copy_ledger(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def test_failing_members_are_kept_at_their_last_good_pin_and_reported(area, zc, tmp_path):
    """A corrupt repository, a conflict marker, an unreachable remote and a rewritten
    history: each member fails alone, keeps what was pinned, says why — and the rest roll
    up. Nothing fails silently, nothing blocks the others."""
    base = tmp_path / "淄川区台账"
    boshan = _copy_ledger(base, tmp_path / "博山区台账")
    zhoucun = _copy_ledger(base, tmp_path / "周村区台账")
    huantai = _copy_ledger(base, tmp_path / "桓台县台账")
    for name, args in (
        ("博山区", ["--remote", "../博山区台账"]),
        ("周村区", ["--remote", "../周村区台账"]),
        ("临淄区", ["--remote", "https://127.0.0.1:9/临淄区.git"]),
        ("桓台县", ["--remote", "../桓台县台账"]),
    ):
        assert zc("rollup", "add", name, *args, "--series", "县区", root=area).exit_code == 0
    first = zc("rollup", "fetch", root=area)
    assert first.exit_code == 1
    assert first.stdout.splitlines()[4].startswith(
        "临淄区：获取失败：无法连接（fatal: unable to access"
    )
    assert first.stdout.splitlines()[4].endswith("；尚无可用的提交")
    pinned = {p["name"]: p.get("commit", "") for p in _lock(area)}
    assert list(pinned) == ["淄川区", "张店区", "博山区", "周村区", "临淄区", "桓台县"]
    assert pinned["临淄区"] == ""
    # 博山区: a new commit whose objects are then lost
    made = R.commit_entries(
        boshan,
        [
            {
                "task": 2,
                "date": "2023-10-25",
                "by": "区科技局",
                "status": "推进中",
                "note": "新增高企33家",
                "values": {"2.1": 33},
            }
        ],
        "2023-10-29T18:00:00+08:00",
    )
    tree = R.git(boshan, "rev-parse", f"{made}^{{tree}}")
    (boshan / ".git" / "objects" / tree[:2] / tree[2:]).unlink()
    # 周村区: a merge left its conflict markers in a month file, and they were committed
    month = zhoucun / "data" / "progress" / "2023-10.yaml"
    month.write_text(month.read_text("utf-8") + "<<<<<<< HEAD\n=======\n>>>>>>> 同事\n", "utf-8")
    R.git(zhoucun, "commit", "-q", "-am", "合并", when="2023-10-29T18:00:00+08:00")
    # 桓台县: the pinned commit rewritten away (a force push)
    R.git(huantai, "commit", "-q", "--amend", "-m", "改写", when="2023-10-29T18:00:00+08:00")
    second = zc("rollup", "fetch", root=area)
    assert second.exit_code == 1
    lines = second.stdout.splitlines()
    short = {name: commit[:7] for name, commit in pinned.items()}
    assert lines[0] == f"淄川区：没有新提交（{short['淄川区']}）"
    assert lines[1] == f"张店区：没有新提交（{short['张店区']}）"
    assert lines[2].startswith("博山区：获取失败：仓库已损坏（")
    assert lines[2].endswith(f"；沿用提交 {short['博山区']}")
    rewritten = R.git(huantai, "rev-parse", "HEAD")[:7]
    conflicted = R.git(zhoucun, "rev-parse", "HEAD")[:7]
    assert lines[3] == (
        f"周村区：获取失败：提交 {conflicted} 检查未通过：3 个错误，第一个是 "
        "data/progress/2023-10.yaml:5:1 git 合并冲突标记“<<<<<<<”：两个分支的进展记录没有按行合并"
        f"；沿用提交 {short['周村区']}"
    )
    assert lines[4].startswith("临淄区：获取失败：无法连接（")
    assert lines[5] == (
        f"桓台县：获取失败：历史被改写：新的提交 {rewritten} 不包含已锁定的提交 {short['桓台县']}"
        "（强制推送或变基），沿用原来的提交"
    )
    assert lines[6:] == [
        "写入 data/members.lock",
        "共 6 个成员：没有新提交 2 个，失败 4 个（博山区、周村区、临淄区、桓台县）。",
        "下一步：git add data/members.lock && git commit -m 更新成员台账",
    ]
    after = {p["name"]: p for p in _lock(area)}
    for name in ("博山区", "周村区", "桓台县"):
        assert after[name]["commit"] == pinned[name]
        assert after[name]["problem"] and after[name]["tried"]
    assert after["周村区"]["rejected"] == R.git(zhoucun, "rev-parse", "HEAD")
    assert "rejected" not in after["淄川区"] and "problem" not in after["淄川区"]
    status = json.loads(zc("rollup", "status", "-f", "json", "--as-of", AS_OF, root=area).stdout)
    states = {m["member"]: (m["state"], m["state_name"]) for m in status["members"]}
    assert states == {
        "淄川区": ("current", "已更新"),
        "张店区": ("current", "已更新"),
        "博山区": ("stale", "沿用上次的提交"),
        "周村区": ("stale", "沿用上次的提交"),
        "临淄区": ("none", "尚无数据"),
        "桓台县": ("stale", "沿用上次的提交"),
    }
    tasks = {t["id"]: t for t in status["tasks"]}
    assert tasks[1]["targets"][0]["state"]["actual"] == 41.4456  # the two good ones roll up
    league = status["league"][0]["members"]
    assert [m["member"] for m in league][-1] == "临淄区"
    assert (
        league[-1]["rank"] is None and league[-1]["note"] == "尚未获取：运行 zctasks rollup fetch"
    )
    table = zc("rollup", "status", "--as-of", AS_OF, root=area).stdout
    assert (
        "成员 6 个：已更新 2 个，沿用上次的提交 3 个（博山区、周村区、桓台县），尚无数据 1 个（临淄区）。"
        in table
    )
    accepted = zc("rollup", "fetch", "--member", "桓台县", "--accept-rewrite", root=area)
    assert accepted.exit_code == 0
    assert accepted.stdout.splitlines()[0] == f"桓台县：锁定提交 {rewritten}"
    assert zc("rollup", "fetch", "--accept-rewrite", root=area).exit_code == 2


def _branch(repo: Path, name: str, entries: dict[str, tuple[str, str]]) -> None:
    """A branch whose tree holds ``entries`` (path → (mode, blob or commit id)) as written,
    however git's porcelain would refuse them: made with mktree and commit-tree."""

    def tree(items: dict[str, tuple[str, str]]) -> str:
        folders: dict[str, dict[str, tuple[str, str]]] = {}
        lines = []
        for path, (mode, oid) in items.items():
            head, _, rest = path.partition("/")
            if rest:
                folders.setdefault(head, {})[rest] = (mode, oid)
            else:
                kind = "commit" if mode == "160000" else "blob"
                lines.append(f"{mode} {kind} {oid}\t{head}")
        for head, inner in folders.items():
            lines.append(f"040000 tree {tree(inner)}\t{head}")
        done = subprocess.run(
            ["git", "-C", str(repo), "mktree"], input="\n".join(lines) + "\n",
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return done.stdout.strip()

    commit = R.git(repo, "commit-tree", tree(entries), "-m", name)
    R.git(repo, "update-ref", f"refs/heads/{name}", commit)


def _blob(repo: Path, content: bytes) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), "hash-object", "-w", "--stdin"],
        input=content, capture_output=True, check=True,
    ).stdout.decode().strip()  # fmt: skip


def test_hostile_member_repositories_are_refused_alone(area, zc, tmp_path, monkeypatch):
    """Symlinks, paths out of the tree, a .git folder, submodules, files too large or too
    deep, YAML nested 100,000 deep, GBK text, a branch that is no ledger: each member is
    refused with the reason, nothing is written outside the roll-up's own folders, and the
    good members still roll up."""
    monkeypatch.setattr("zctasks.files.limits.MAX_BYTES", 64 * 1024)
    repo = tmp_path / "恶意区台账"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    good = {
        f"data/{name}": (
            "100644",
            _blob(repo, (tmp_path / "淄川区台账" / "data" / name).read_bytes()),
        )
        for name in ("tasks.yaml", "departments.yaml")
    }
    secret = tmp_path / "secret.txt"
    secret.write_text("机密\n", "utf-8")
    cases = {
        "symlink": {**good, "data/tasks.yaml": ("120000", _blob(repo, str(secret).encode()))},
        "dotdot": {**good, "data/progress/../../escape.yaml": ("100644", _blob(repo, b"x\n"))},
        "dotgit": {**good, "data/.git/config": ("100644", _blob(repo, b"[core]\n"))},
        "submodule": {
            **good,
            "data/progress/sub": ("160000", R.git(tmp_path / "淄川区台账", "rev-parse", "HEAD")),
        },
        "huge": {
            **good,
            "data/progress/2023-10.yaml": ("100644", _blob(repo, b"#" * 70_000 + b"\n")),
        },
        "deep": {
            **good,
            "data/progress/a/b/c/d/e/f/2023-10.yaml": ("100644", _blob(repo, b"[]\n")),
        },
        "nested": {
            **good,
            "data/progress/2023-10.yaml": ("100644", _blob(repo, b"- " + b"[" * 100_000 + b"\n")),
        },
        "gbk": {**good, "data/tasks.yaml": ("100644", _blob(repo, R.ZICHUAN_TASKS.encode("gbk")))},
        "not-a-ledger": {"README.md": ("100644", _blob(repo, b"hello\n"))},
    }
    for branch, entries in cases.items():
        _branch(repo, branch, entries)
        assert (
            zc(
                "rollup",
                "add",
                f"恶意-{branch}",
                "--remote",
                "../恶意区台账",
                "--branch",
                branch,
                root=area,
            ).exit_code
            == 0
        )
    result = zc("rollup", "fetch", root=area)
    assert result.exit_code == 1
    said = {
        line.split("：", 1)[0]: line.split("：", 1)[1]
        for line in result.stdout.splitlines()[: 2 + len(cases)]
    }
    assert said["淄川区"].startswith("锁定提交") and said["张店区"].startswith("锁定提交")
    expected = {
        "symlink": "data/tasks.yaml:1:1 “data/tasks.yaml”是符号链接，没有读取：台账文件只能是普通文件",
        "submodule": "data/progress/sub:1:1 “data/progress/sub”是子模块，台账文件不能是子模块",
        "huge": "data/progress/2023-10.yaml:1:1 文件过大（70001 字节，上限 65536 字节）",
        "deep": "data/progress/a/b/c/d/e/f/2023-10.yaml:1:1 路径“data/progress/a/b/c/d/e/f/2023-10.yaml”层级过深，没有读取",
        "gbk": "data/tasks.yaml:2:10 文件不是 UTF-8 编码（第 16 字节无法解码）",
        "not-a-ledger": "data/tasks.yaml:1:1 提交中没有 data/tasks.yaml：这个分支不是 zctasks 台账",
    }
    for branch, words in expected.items():
        line = said[f"恶意-{branch}"]
        assert line.startswith("获取失败：提交 "), line
        assert words in line, line
        assert line.endswith("；尚无可用的提交"), line
    for branch in ("dotdot", "dotgit"):  # git itself refuses such trees as they arrive
        assert said[f"恶意-{branch}"].startswith("获取失败：仓库已损坏（"), said[f"恶意-{branch}"]
    assert "第一个是 data/progress/2023-10.yaml:1:" in said["恶意-nested"]
    assert not (tmp_path / "escape.yaml").exists()
    assert "机密" not in result.stdout + result.stderr
    snapshots = list((area / ".git" / "zctasks" / "members").glob("*.git/snapshots/*"))
    assert snapshots == []  # every private copy removed again
    status = json.loads(zc("rollup", "status", "-f", "json", "--as-of", AS_OF, root=area).stdout)
    assert status["tasks"][0]["targets"][0]["state"]["actual"] == 41.4456
    assert sum(m["state"] == "none" for m in status["members"]) == len(cases)


def test_the_guard_of_the_copy_itself_refuses_what_git_would_let_in(tmp_path):
    """Even if a tree with ``..`` or ``.git`` got into a mirror (git checks them as they
    arrive), copying the ledger out of it writes nothing outside its folder."""
    from zctasks.files.gitops import Mirror
    from zctasks.rollup.mirrors import extract

    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    blob = _blob(repo, b"x\n")
    _branch(
        repo,
        "bad",
        {
            "data/tasks.yaml": ("100644", blob),
            "data/progress/../../../escape.yaml": ("100644", blob),
            "data/.GIT/config": ("100644", blob),
            "data/progress/a\\b.yaml": ("100644", blob),
        },
    )
    folder = tmp_path / "copy" / "in"
    folder.mkdir(parents=True)
    found = extract(Mirror(repo / ".git"), R.git(repo, "rev-parse", "bad"), folder)
    assert sorted(d.message for d in found) == [
        "路径“data/.GIT/config”含有“.GIT”，没有读取",
        "路径“data/progress/../../../escape.yaml”含有“..”，没有读取",
        "路径“data/progress/a\\b.yaml”含有控制字符或 Windows 不允许的字符，没有读取",
    ]
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.yaml")) == [
        "copy/in/data/tasks.yaml"
    ]


def test_status_tables_league_and_the_members_section_of_the_documents(area, zc):
    _fetched(zc, area)
    pins = {p["name"]: p["commit"][:7] for p in _lock(area)}
    result = zc("rollup", "status", "--as-of", AS_OF, root=area)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "淄博市汇总：截至2023年10月31日（序时进度83.3%），5项任务中，已完成0项，占0.0%；"
        "序时推进1项；滞后0项；严重滞后2项；未报送2项。",
        "成员 2 个：已更新 2 个。",
    ]
    rows = [" ".join(line.split()) for line in lines[7:12]]
    assert rows == [
        "1 扩大工业技改投资 序时推进 1.1=41.4456亿元 1.1 技改投资 41.4456/55亿元，完成75%，序时进度83%（2个区县合计） "
        "序时推进1，未报送1；未报送：张店区",
        "2 培育创新主体 严重滞后 2.1=61家 2.1 新增高新技术企业 61家（2个区县合计），各区县按各自分解的目标，"
        "最差为张店区第2项的 2.1 严重滞后（2.1 新增高新技术企业 31/60家，完成52%，序时进度83%，落后32个百分点） "
        "序时推进1，严重滞后1；严重滞后：张店区",
        "3 提升森林覆盖率 严重滞后 3.1 森林覆盖率：各区县中最差为张店区第3项的 3.1 严重滞后（3.1 森林覆盖率 24.2%，"
        "基数24%，目标25%，完成目标增幅的20%，序时进度83%，落后63个百分点） 未报送2；未报送：淄川区、张店区",
        "4 优化营商环境 未报送 各区县中最差：张店区第4项未报送（2023年10月25日应报未报，已逾期6天（最近一次报送为2023年9月24日）） "
        "序时推进1，未报送1；未报送：张店区",
        "5 编制全市规划 未报送 2023年10月25日应报未报，已逾期6天，尚无进展报送 （本级）",
    ]
    assert [" ".join(line.split()) for line in lines[13:]] == [
        "数据来源",
        "",
        "成员 序列 提交 提交时间 最近报送 检查 数据时长 状态",
        "------ ---- ------- ---------------- ---------- ---- -------- ------",
        f"淄川区 县区 {pins['淄川区']} 2023-10-28 18:00 2023-10-24 通过 3天 已更新",
        f"张店区 县区 {pins['张店区']} 2023-10-28 18:00 2023-10-24 通过 3天 已更新",
        "",
        "排名：县区",
        "",
        "名次 成员 任务数 已完成和序时推进 严重滞后 按时报送 说明",
        "---- ------ ------ ---------------- -------- -------- ----",
        "1 淄川区 4 75.0% 0 75.0%",
        "2 张店区 4 0.0% 1 25.0%",
    ]
    mine = zc("rollup", "status", "--as-of", AS_OF, "--member", "淄川区", root=area).stdout
    assert mine.splitlines()[0] == f"淄川区：已更新，提交 {pins['淄川区']}，最近报送 2023-10-24"
    assert " ".join(mine.splitlines()[6].split()) == (
        "1 扩大工业技改投资 1 扩大技改投资 序时推进 1.1=213456万元（折合21.3456亿元） "
        "1.1 制造业技改投资 213456/250000万元，完成85%，序时进度83%"
    )
    briefing = zc(
        "rollup", "report", "briefing", "--week", "2023-W44", "--as-of", AS_OF,
        "--date", "2023-11-01", root=area,
    ).stdout  # fmt: skip
    assert (
        "## 三、各区县进展\n\n"
        "纳入汇总的2个区县的台账均已更新（最近报送截至2023年10月24日）。\n\n"
        "已完成和按序时推进任务的占比依次为淄川区75.0%、张店区0.0%；严重滞后任务较多的是张店区（1项）。\n\n"
        "各区县的数据来源、排名和分项进展详见附件3。\n\n"
        "## 四、需要关注的问题\n"
    ) in briefing
    assert (  # the districts behind each city task are named where the task is
        "## 四、需要关注的问题\n\n"
        "严重滞后2项：市科技局牵头的“培育创新主体”（张店区严重滞后），"
        "市自然资源局牵头的“提升森林覆盖率”（张店区严重滞后，淄川区滞后）。\n\n"
        "未报送2项：市数据局牵头的“优化营商环境”（张店区未报送），我委负责的“编制全市规划”。\n\n"
    ) in briefing
    assert (
        "## 五、下步工作要求\n\n"
        "一是对严重滞后的2项任务，请市科技局、市自然资源局逐项分析原因、制定赶超措施，"
        "于11月8日前书面报送我委，我委将挂牌督办。\n\n"
        "二是请市数据局于11月8日前补报1项未报送任务的进展和佐证材料，逾期未报的下发催办单；"
        "我委牵头（负责）的1项同步补报。\n\n附件："
    ) in briefing  # 张店区's problem was reported before this week: nothing asks about it
    month = zc(
        "rollup", "report", "briefing", "--since", "2023-10-01", "--until", "2023-10-31",
        "--as-of", AS_OF, "--date", "2023-11-01", root=area,
    ).stdout  # fmt: skip
    # the districts reported, and said what stands in their way: not the city's lead units
    assert "本期2个单位报送进展5条。" in month
    assert "单位反映的困难和问题：张店区反映省级系统接口未开放（“优化营商环境”）。" in month
    assert "| 张店区 | 4 | 优化营商环境 | 省级系统接口未开放 |  |" in month
    assert (
        "三是对单位反映的问题，请配合单位主动对接、协调解决，重大事项及时提请市政府研究。" in month
    )
    assert "附件：1．任务进度统计\\\n2．滞后及未报送任务清单\\\n3．各区县进展情况\n" in briefing
    assert (
        "| 3 | 提升森林覆盖率 | 市自然资源局牵头 | 严重滞后 | 森林覆盖率：张店区“城市绿化”严重滞后："
        "森林覆盖率24.2%，基数24%，目标25%，完成目标增幅的20%，低于序时进度63个百分点 | 9月24日 |"
    ) in briefing
    attachment = briefing.split("附件3\n\n")[1]
    assert attachment.startswith("# 各区县进展情况\n\n（截至2023年10月31日）\n\n## 一、数据来源\n")
    assert "| 淄川区 | 县区 | 10月28日 | 10月24日 | 3天 | 已更新 |" in attachment
    assert (  # no 说明 column when there is nothing to say in it
        "| 名次 | 区县 | 任务数 | 已完成和序时推进 | 严重滞后 | 按时报送 |\n|---|---|---|---|---|---|\n"
        "| 1 | 淄川区 | 4 | 75.0% | 0 | 75.0% |\n"
    ) in attachment
    assert (
        "| 1 | 扩大工业技改投资 | 淄川区 | 第1项 扩大技改投资 | 制造业技改投资213456万元（折合21.3456亿元） | 序时推进 | 10月20日 |"
    ) in attachment
    assert "提交" not in attachment and pins["淄川区"] not in briefing
    assert attachment.endswith(
        "发：各区县人民政府，市政府有关部门。\n\n市发改委\t2023年11月1日印发\n"
    )
    ledger = zc(
        "rollup", "report", "ledger", "--as-of", AS_OF, "--date", "2023-11-01", root=area
    ).stdout
    assert (
        "| 3 | 提升森林覆盖率 | 市自然资源局 | 各区县政府 | 森林覆盖率≥25%：淄川区29.2%、张店区24.2%，最差为张店区（严重滞后） "
        "| 12月31日 | 淄川区：造林1.2万亩；张店区：新增绿地 |  |  | 严重滞后 | 9月24日 |"
    ) in ledger
    assert (
        "| 4 | 优化营商环境 | 市数据局 | 各区县政府 |  | 12月31日 | 淄川区：一网通办事项达到98%；张店区：系统对接滞后 | 张店区：省级系统接口未开放 |"
        in ledger
    )
    assert "\n## 各区县进展\n\n纳入汇总的2个区县的台账均已更新" in ledger
    assert "\n***\n\n附件\n\n# 各区县进展情况\n" in ledger


def test_each_members_reduction_is_cached_by_its_commit(area, zc, tmp_path, monkeypatch):
    """A warm `rollup status` reads no member's ledger: the reductions of the pinned commits
    come from the cache (here, even with the mirrors gone); a damaged entry is read again."""
    _fetched(zc, area)
    cold = zc("rollup", "status", "-f", "json", "--as-of", AS_OF, root=area).stdout
    cache = Path(__import__("os").environ["ZCTASKS_CACHE_DIR"]) / "rollup"
    entries = sorted(cache.glob("*.json"))
    assert len(entries) == 4  # a reduction and a plan for each member
    mirrors = area / ".git" / "zctasks" / "members"
    shutil.move(mirrors, tmp_path / "mirrors")
    assert zc("rollup", "status", "-f", "json", "--as-of", AS_OF, root=area).stdout == cold
    other_day = json.loads(
        zc("rollup", "status", "-f", "json", "--as-of", "2023-10-15", root=area).stdout
    )
    assert [m["state"] for m in other_day["members"]] == ["unreadable", "unreadable"]
    shutil.move(tmp_path / "mirrors", mirrors)
    for entry in entries:
        entry.write_bytes(b"{damaged")
    assert zc("rollup", "status", "-f", "json", "--as-of", AS_OF, root=area).stdout == cold
    monkeypatch.setenv("ZCTASKS_NO_CACHE", "1")
    assert zc("rollup", "status", "-f", "json", "--as-of", AS_OF, root=area).stdout == cold


def test_check_warns_of_what_the_rollup_cannot_use(area, zc, monkeypatch):
    assert zc("check", root=area).stdout == (
        "data/members.yaml:8:12: warning[not-fetched]: 成员“淄川区”尚未获取，汇总中没有它的数据\n"
        "  提示：运行 zctasks rollup fetch\n"
        "data/members.yaml:9:12: warning[not-fetched]: 成员“张店区”尚未获取，汇总中没有它的数据\n"
        "  提示：运行 zctasks rollup fetch\n"
        "检查通过：1 章，5 项任务，3 项指标，5 个单位；2 个警告。\n"
    )
    _fetched(zc, area)
    assert zc("check", root=area).stdout == "检查通过：1 章，5 项任务，3 项指标，5 个单位。\n"
    # the city's own report on a rolled-up task is not used, and check says so
    added = zc(
        "progress", "add", "1", "--by", "市工信局", "--date", "2023-10-30",
        "-v", "1.1=99", "--note", "本级填报", root=area,
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert zc("check", root=area).stdout == (
        "data/crosswalk.yaml:2:11: warning[rolled-up-progress]: 本级台账中有第1项任务的进展记录，"
        "但它由各成员汇总，这些记录不参与汇总\n"
        "  提示：汇总任务的进展由成员报送；本级的记录只在 zctasks status 中使用\n"
        "检查通过：1 章，5 项任务，3 项指标，5 个单位；1 个警告。\n"
    )
    status = json.loads(zc("rollup", "status", "-f", "json", "--as-of", AS_OF, root=area).stdout)
    assert status["tasks"][0]["targets"][0]["state"]["actual"] == 41.4456
    shutil.rmtree(area / ".git" / "zctasks")  # a fresh clone: the pinned commits are not here
    monkeypatch.setenv("ZCTASKS_NO_CACHE", "1")
    found = zc("check", root=area).stdout
    assert "data/members.yaml:8:12: warning[pin-missing]: 本机没有成员“淄川区”锁定的提交" in found
    assert "提示：运行 zctasks rollup fetch --locked 取回锁定的提交" in found


def test_what_an_attack_on_the_inputs_found(area, zc, tmp_path):
    """Found by attacking the roll-up from its README: a bundle that is a symlink loop, a
    factor of 1e300, the same member target listed twice, an empty list of member tasks."""
    members = area / "data" / "members.yaml"
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    members.write_text(
        members.read_text("utf-8").replace('bundle: "../张店区.bundle"', "bundle: ../loop"), "utf-8"
    )
    result = zc("rollup", "fetch", "--member", "张店区", root=area)
    assert result.stdout.splitlines()[0] == (
        "张店区：获取失败：无法读取 bundle 文件 ../loop（Too many levels of symbolic links）；尚无可用的提交"
    )
    (area / "data" / "crosswalk.yaml").write_text(
        "tasks:\n"
        "  - task: 1\n"
        "    targets:\n"
        '      - {target: "1.1", members: {淄川区: "1.1", 张店区: ["1.1", "1.1"]}, factor: 1000000000000000.0}\n'
        "  - {task: 4, members: {淄川区: [], 张店区: 0}}\n",
        "utf-8",
    )
    found = zc("check", root=area).stdout.splitlines()
    assert [line for line in found if "warning[" not in line and "rollup fetch" not in line] == [
        "data/crosswalk.yaml:4:77: error[range]: 换算系数应在 0.000000000001 至 1000000000000 之间，实际为 1e+15",
        "  提示：成员数值乘以它得到市级单位的数值，如万元换算成亿元是 0.0001",
        "data/crosswalk.yaml:4:60: error[duplicate-target]: 张店区的指标 1.1 写了两次，会被重复计算",
        "data/crosswalk.yaml:5:30: error[empty]: 淄川区没有写任务序号",
        "data/crosswalk.yaml:5:39: error[range]: 任务序号应为正整数：0",
        "检查未通过：4 个错误，2 个警告。",
    ]


def test_documents_never_name_the_software_nor_quote_git(area, zc, tmp_path):
    """A member never fetched and one whose fetch failed: the analyst's status says why, with
    git's words and the command to run; the documents only say where the data stands."""
    assert zc("rollup", "fetch", "--member", "淄川区", root=area).exit_code == 0
    (tmp_path / "张店区.bundle").write_bytes(b"# v2 git bundle\n")
    assert zc("rollup", "fetch", "--member", "张店区", root=area).exit_code == 1
    status = zc("rollup", "status", "--as-of", AS_OF, root=area).stdout
    assert "尚未获取：运行 zctasks rollup fetch" in status
    for kind in ("briefing", "ledger"):
        extra = ["--week", "2023-W44"] if kind == "briefing" else []
        text = zc(
            "rollup", "report", kind, "--as-of", AS_OF, "--date", "2023-11-01", *extra, root=area
        ).stdout
        assert "zctasks" not in text and "git" not in text and "fatal" not in text
        assert "| 张店区 | 县区 | — | — | — | 尚无数据 |" in text
        assert "| — | 张店区 | — | — | — | — | 尚无数据 |" in text


def test_documents_name_every_member_alike_and_say_figures_as_the_city_does():
    """A district is neither singled out nor spared by the order of members.yaml, and a
    member's reason reads as the city's own figures do (no ids, no x/y, no analyst notes)."""
    from zctasks.rollup.combine import Contribution, MemberLight, Rollup, _alike, document_words
    from zctasks.rollup.league import Standing
    from zctasks.rollup.view import _league_sentence

    rows = [
        Standing("淄川区", "县区", 1, 66, 42, 6, 10, 8),
        Standing("博山区", "县区", 2, 66, 42, 7, 10, 8),
        Standing("张店区", "县区", 3, 66, 26, 6, 10, 3),
        Standing("临淄区", "县区", 4, 66, 20, 2, 10, 3),
    ]
    assert _league_sentence("县区", rows, False) == (
        "已完成和按序时推进任务的占比依次为淄川区63.6%、博山区63.6%、张店区39.4%、临淄区30.3%；"
        "严重滞后任务较多的是博山区（7项）、淄川区（6项）、张店区（6项）。"
    )

    def part(member: str, actual: float | None, light: str | None) -> Contribution:
        return Contribution(
            member, 27, "环境污染防治", "27.2", "%", actual, None, None, light, "", None
        )

    done = [part("淄川区", 57.9, "done"), part("张店区", 57.3, "done")]
    assert Rollup._figures(None, done, done[0]) == "淄川区57.9%、张店区57.3%，均已完成"  # type: ignore[arg-type]
    mixed = [part("淄川区", 57.9, "done"), part("张店区", 50, "red"), part("博山区", None, "red")]
    assert Rollup._figures(None, mixed, mixed[1]) == (  # type: ignore[arg-type]
        "淄川区57.9%、张店区50%、博山区未报数，最差为张店区、博山区（严重滞后）"
    )
    assert _alike(mixed, mixed[1]) == "；博山区同样严重滞后"
    lights = [
        MemberLight(m, 61, "守住疫情防控底线", "grey", "", None) for m in ("淄川区", "张店区")
    ]
    assert _alike(lights, lights[0]) == "；张店区同样未报送"
    assert _alike(done, done[0]) == ""
    for said, words in (
        (
            "4.2 引育高校毕业生 1250/3000名，完成42%，序时进度83%，落后42个百分点",
            "引育高校毕业生1250名，完成年计划的42%，低于序时进度42个百分点",
        ),
        (
            "1.2 新增市级创新平台 2/3—5家，完成67%，序时进度83%",
            "新增市级创新平台2家，完成年计划的67%",
        ),
        (
            "3.1 高新技术企业数量 166家，目标170家，达到目标的98%（水平指标，未设基数，期限前不判断滞后）",
            "高新技术企业数量166家，目标170家，达到目标的98%",
        ),
        (
            "2023年10月25日应报未报，已逾期6天（最近一次报送为2023年8月25日）",
            "10月25日应报未报，已逾期6天（最近一次报送为8月25日）",
        ),
    ):
        assert document_words(said, 2023) == words


# ---------------------------------------------------------------- what probe 3 found


def test_status_and_report_refuse_what_check_finds_against_the_members_plans(area, zc):
    """A crosswalk whose member side check rejects is refused by `rollup status` and
    `rollup report`, never shown as a member that did not report; a member task written
    twice is an error, not counted twice."""
    _fetched(zc, area)
    crosswalk = area / "data" / "crosswalk.yaml"
    crosswalk.write_text(
        "tasks:\n"
        "  - task: 1\n"
        "    targets:\n"
        '      - {target: "1.1", how: sum, members: {淄川区: "2.1", 张店区: "1.1"}}\n',
        "utf-8",
    )
    located = (
        "data/crosswalk.yaml:4:50: error[unit-mismatch]: 淄川区的指标 2.1 的单位是“家”，"
        "市级指标 1.1 的单位是“亿元”，无法换算\n"
        "  提示：写 factor: 换算系数（成员数值乘以它得到市级单位的数值）\n"
    )
    refused = "错误：台账数据有 1 处错误\n" + located + "提示：运行 zctasks check 查看并修正\n"
    for command in (["status"], ["report", "ledger", "-f", "docx", "-o", str(area / "汇总.docx")]):
        result = zc("rollup", *command, "--as-of", AS_OF, root=area)
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", refused)
    assert not (area / "汇总.docx").exists()
    crosswalk.write_text("tasks:\n  - task: 1\n    members: {淄川区: [1, 1], 张店区: 1}\n", "utf-8")
    assert zc("check", root=area).stdout == (
        "data/crosswalk.yaml:3:24: error[duplicate-member-task]: 淄川区的第1项任务写了两次，会被重复计算\n"
        "检查未通过：1 个错误，0 个警告。\n"
    )
    assert zc("rollup", "status", "--as-of", AS_OF, root=area).exit_code == 1


def test_a_pipe_a_device_or_a_link_out_of_the_ledger_is_refused_unread(area, zc, tmp_path):
    """A FIFO at any of the roll-up's files (or the plan's) never hangs a command, and a
    link leading out of the ledger is never read: its target's text is never quoted."""
    import os

    _fetched(zc, area)
    data = area / "data"
    for name in ("crosswalk.yaml", "members.lock", "members.yaml", "tasks.yaml", "config.yaml"):
        saved = (data / name).read_bytes() if (data / name).exists() else None
        (data / name).unlink(missing_ok=True)
        os.mkfifo(data / name)
        expected = (
            f"data/{name}:1:1: error[not-a-file]: 不是普通文件（命名管道），没有读取\n"
            "  提示：zctasks 只读普通文件：换回普通文件后重试\n"
        )
        assert zc("check", root=area).stdout.startswith(expected), name
        status = zc("rollup", "status", "--as-of", AS_OF, root=area)
        assert status.exit_code == 1 and expected in status.stderr, name
        (data / name).unlink()
        if saved is not None:
            (data / name).write_bytes(saved)
    secret = tmp_path / "口令"
    secret.write_text("root:x:0:0:机密\n", "utf-8")
    (data / "crosswalk.yaml").unlink()
    (data / "crosswalk.yaml").symlink_to(secret)
    assert zc("check", root=area).stdout == (
        "data/crosswalk.yaml:1:1: error[not-a-file]: 是指向台账之外的符号链接，没有读取\n"
        "  提示：zctasks 只读普通文件：换回普通文件后重试\n"
        "检查未通过：1 个错误，0 个警告。\n"
    )


def test_a_factor_is_written_in_decimal_digits(area, zc):
    """factor: 0x10, 0o10 or 1e1 is refused, never taken as 16, 8 or 10."""
    for factor in ("0x10", "0o10", "1e1"):
        (area / "data" / "crosswalk.yaml").write_text(
            "tasks:\n  - task: 1\n    targets:\n"
            f'      - {{target: "1.1", how: sum, factor: {factor}, members: {{淄川区: "1.1"}}}}\n',
            "utf-8",
        )
        assert zc("check", root=area).stdout.splitlines()[:2] == [
            f"data/crosswalk.yaml:4:43: error[number]: 数值“{factor}”的写法不对："
            "只接受十进制数字，如 31 或 12.5",
            "  提示：数值只写十进制数字",
        ]


def test_rollup_add_keeps_the_files_own_indentation_and_line_endings(area, zc):
    """A list at column 0 or indented 4 takes the new member at the same indentation; a
    CRLF file gets a CRLF line."""
    members = area / "data" / "members.yaml"
    head = "name: 淄博市\nseries: [县区]\nmembers:\n"
    item = '{indent}- {{name: 淄川区, remote: "../淄川区台账", series: 县区}}\n'
    added = '{indent}- {{name: 周村区, remote: "../淄川区台账", series: 县区}}\n'
    for indent in ("", "    "):
        members.write_text(head + item.format(indent=indent), "utf-8")
        result = zc(
            "rollup", "add", "周村区", "--remote", "../淄川区台账", "--series", "县区", root=area
        )
        assert result.exit_code == 0, result.stderr
        assert members.read_text("utf-8") == (
            head + item.format(indent=indent) + added.format(indent=indent)
        )
    crlf = (head + item.format(indent="  ")).replace("\n", "\r\n")
    members.write_bytes(crlf.encode("utf-8"))
    result = zc(
        "rollup", "add", "周村区", "--remote", "../淄川区台账", "--series", "县区", root=area
    )
    assert result.exit_code == 0, result.stderr
    assert members.read_bytes() == (crlf + added.format(indent="  ").replace("\n", "\r\n")).encode(
        "utf-8"
    )
    members.write_bytes(
        b"name: \xe6\xb7\x84\xe5\x8d\x9a\xe5\xb8\x82\r\nseries: [\xe5\x8e\xbf\xe5\x8c\xba]\r\nmembers: []\r\n"
    )
    assert zc("rollup", "add", "周村区", "--remote", "../淄川区台账", root=area).exit_code == 0
    assert (
        members.read_bytes()
        == (
            'name: 淄博市\r\nseries: [县区]\r\nmembers:\r\n  - {name: 周村区, remote: "../淄川区台账"}\r\n'
        ).encode()
    )


def test_member_names_with_edge_spaces_dots_or_slashes_are_refused(area, zc):
    hint = "  提示：成员名称写区县（或市）的名称，如 淄川区；首尾不留空白，不含“/”“\\”\n"
    members = area / "data" / "members.yaml"
    before = members.read_bytes()
    for name, why in ((" 淄川区", "首尾有空白"), ("..", "只有“.”"), ("a/b", "含有“/”或“\\”")):
        result = zc("rollup", "add", name, "--remote", "../淄川区台账", root=area)
        assert (result.exit_code, result.stderr) == (
            2,
            f"错误：成员名称“{name}”{why}，没有加入\n" + hint.replace("  提示", "提示"),
        )
    assert members.read_bytes() == before
    members.write_bytes(before + '  - {name: "a\\\\b ", remote: "../淄川区台账"}\n'.encode())
    assert zc("check", root=area).stdout.splitlines()[:2] == [
        "data/members.yaml:10:12: error[member-name]: 成员名称“a\\b ”首尾有空白",
        hint.rstrip("\n"),
    ]


def test_check_flags_a_hand_edited_lock_that_status_could_not_use(area, zc, tmp_path):
    """A pin to a commit fetch refused (pin-refused), a pin to a commit only another
    member's mirror holds (pin-missing, never that member's reading), a time that is not
    one fetch writes (lock-syntax)."""
    import os

    _fetched(zc, area)
    zichuan = tmp_path / "淄川区台账"
    os.symlink("/etc/passwd", zichuan / "data" / "progress" / "2023-11.yaml")
    R.git(zichuan, "add", "-A")
    R.git(zichuan, "commit", "-q", "--no-verify", "-m", "链接")
    bad = R.git(zichuan, "rev-parse", "HEAD").strip()
    assert zc("rollup", "fetch", root=area).exit_code == 1  # refused; its objects are mirrored
    lock = area / "data" / "members.lock"
    good = lock.read_text("utf-8")
    lines = good.splitlines(keepends=True)
    pins = _lock(area)
    lock.write_text(good.replace(pins[0]["commit"], bad, 1), "utf-8")
    assert zc("check", root=area).stdout.splitlines()[-3:] == [
        f"data/members.yaml:{_line_of(area, '淄川区')}:12: error[pin-refused]: 成员“淄川区”锁定的提交 "
        f"{bad[:7]} 是获取时会拒绝的：“data/progress/2023-11.yaml”是符号链接，没有读取："
        "台账文件只能是普通文件",
        "  提示：data/members.lock 不应手工修改：运行 zctasks rollup fetch --member 淄川区 重新锁定",
        "检查未通过：1 个错误，1 个警告。",
    ]
    zhangdian = lines[2].replace(pins[1]["commit"], pins[0]["commit"])
    lock.write_text(lines[0] + lines[1] + zhangdian, "utf-8")
    found = zc("check", root=area).stdout.splitlines()
    assert found[2:4] == [
        f"data/members.yaml:{_line_of(area, '张店区')}:12: warning[pin-missing]: "
        f"本机没有成员“张店区”锁定的提交 {pins[0]['commit'][:7]}，无法核对对应关系",
        "  提示：运行 zctasks rollup fetch --locked 取回锁定的提交",
    ]
    lock.write_text(lines[0] + lines[1].replace('"committed": "', '"committed": "xx'), "utf-8")
    assert zc("check", root=area).stdout.splitlines()[:2] == [
        f"data/members.lock:2:{lines[1].index('committed') + 13}: error[lock-syntax]: "
        f"“xx{pins[0]['committed']}”不是 zctasks 写入的时间",
        "  提示：运行 zctasks rollup fetch --member 淄川区 重新锁定",
    ]


def _line_of(area: Path, name: str) -> int:
    text = (area / "data" / "members.yaml").read_text("utf-8").splitlines()
    return next(i for i, line in enumerate(text, 1) if f"name: {name}" in line)
