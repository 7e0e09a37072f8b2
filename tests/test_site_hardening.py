"""The site and serve under attack: output folders that are not the site's own, a killed
build, control characters in notes; serve and a pending batch, hostile requests, a ledger
that turns invalid. (From the second adversarial probe: F1, F9, F10, F12.)"""

from __future__ import annotations

import os
import subprocess
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
